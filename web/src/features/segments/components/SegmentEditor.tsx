import { type FormEvent, useCallback, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { type Segment, useDeleteSegment, useSaveSegment, useSegment, useSegmentPreview } from '../api.ts';
import { emptyFilter, type FilterGroup, type FilterProblem } from '../filter-types.ts';
import { SegmentFilterBuilder } from './SegmentFilterBuilder.tsx';
import { SegmentPreviewPanel } from './SegmentPreviewPanel.tsx';
import { segmentLabel } from './segment-names.ts';

/** The segment just created here: the page reopens on its own address, and should still say it was saved. */
let justCreated: string | null = null;

/** /segments/new and /segments/:id: name, description, the builder, and the live count beside it. */
export function SegmentEditor({ id }: { id: string | null }) {
  const { t } = useI18n();
  const segment = useSegment(id);
  if (id && segment.error)
    return (
      <p className="page-message form-error" role="alert">
        {segment.error instanceof ApiError && segment.error.status === 404
          ? t('app.notFound')
          : t('error.generic', { message: segment.error.message })}
      </p>
    );
  if (id && !segment.data) return <p className="page-message">{t('app.loading')}</p>;
  // Keyed by id, so moving from one segment to another starts from that segment's saved state.
  return <SegmentForm key={id ?? 'new'} segment={segment.data ?? null} />;
}

function SegmentForm({ segment }: { segment: Segment | null }) {
  const { t } = useI18n();
  const can = usePermissions();
  const shown = segment ? segmentLabel(segment, t) : null;
  const [name, setName] = useState(shown?.name ?? '');
  const [description, setDescription] = useState(shown?.description ?? '');
  const [filter, setFilter] = useState<FilterGroup>(segment?.filter ?? emptyFilter());
  const [saveProblems, setSaveProblems] = useState<FilterProblem[]>([]);
  const [saved, setSaved] = useState(() => segment !== null && segment.id === justCreated);
  const preview = useSegmentPreview(filter);
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const builtIn = segment?.builtIn ?? false;
  const writable = can('segments:write');

  // A problem from the last save belongs to the filter it was about; any edit makes it stale.
  const onFilterChange = useCallback((next: FilterGroup) => {
    setFilter(next);
    setSaveProblems([]);
    setSaved(false);
  }, []);
  const previewProblems = preview.error instanceof ApiError ? preview.error.details : [];
  // While the preview loads a newer filter, its previous problems may be about nodes that no longer exist.
  const problems = saveProblems.length ? saveProblems : preview.isPlaceholderData ? [] : previewProblems;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaveProblems([]);
    try {
      // A built-in segment cannot change: saving it keeps a copy of one's own.
      const asNew = !segment || builtIn;
      const result = await save.mutateAsync({
        id: asNew ? null : segment.id,
        input: {
          name: builtIn && name === shown?.name ? t('segments.copyName', { name }) : name,
          description: description || null,
          filter,
        },
      });
      setSaved(true);
      if (asNew) {
        justCreated = result.id;
        navigate(`/segments/${result.id}`, true);
      }
    } catch (err) {
      if (err instanceof ApiError) setSaveProblems(err.details);
    }
  };

  const onDelete = async () => {
    if (!segment || !window.confirm(t('segments.deleteConfirm', { name }))) return;
    await remove.mutateAsync(segment.id);
    navigate('/segments');
  };

  const nameProblem = saveProblems.find((p) => p.path === '/name' || p.path === 'body/name');
  return (
    <div className="page segment-editor">
      <p>
        <Link to="/segments">{t('segments.back')}</Link>
      </p>
      <h1>{shown ? shown.name : t('segments.new')}</h1>
      {builtIn ? <p className="hint">{t('segments.builtInHint')}</p> : null}
      <form onSubmit={onSubmit} className="segment-layout">
        <div className="segment-main">
          <div className="segment-fields">
            <div>
              <label htmlFor="segment-name">{t('segments.name')}</label>
              <input
                id="segment-name"
                value={name}
                required
                maxLength={200}
                disabled={!writable}
                onChange={(e) => {
                  setName(e.target.value);
                  setSaved(false);
                }}
                aria-invalid={nameProblem ? true : undefined}
              />
              {nameProblem ? <p className="form-error">{nameProblem.message}</p> : null}
            </div>
            <div>
              <label htmlFor="segment-description">{t('segments.description')}</label>
              <input
                id="segment-description"
                value={description}
                maxLength={1000}
                disabled={!writable}
                onChange={(e) => {
                  setDescription(e.target.value);
                  setSaved(false);
                }}
              />
            </div>
          </div>
          <h2>{t('segments.builder.title')}</h2>
          <SegmentFilterBuilder
            value={filter}
            onChange={onFilterChange}
            problems={problems}
            readOnly={!writable}
          />
          {save.error && !(save.error instanceof ApiError && save.error.details.length) ? (
            <p className="form-error" role="alert">
              {t('error.generic', { message: save.error.message })}
            </p>
          ) : null}
          {saveProblems.length ? (
            <p className="form-error" role="alert">
              {t('segments.saveInvalid')}
            </p>
          ) : null}
          {writable ? (
            <div className="segment-actions">
              <button type="submit" className="button-primary" disabled={save.isPending}>
                {t(builtIn ? 'segments.saveCopy' : 'segments.save')}
              </button>
              {saved && !save.isPending ? (
                <span className="form-ok" role="status">
                  {t('segments.saved.ok')}
                </span>
              ) : null}
              {segment && !builtIn ? (
                <button
                  type="button"
                  className="button-quiet danger"
                  onClick={onDelete}
                  disabled={remove.isPending}
                >
                  {t('segments.delete')}
                </button>
              ) : null}
            </div>
          ) : null}
        </div>
        <SegmentPreviewPanel data={preview.data} error={preview.error} fetching={preview.isFetching} />
      </form>
    </div>
  );
}
