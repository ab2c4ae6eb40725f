import { useI18n } from '../../../i18n/i18n.tsx';

/** Moves a condition or a group one place up or down among its siblings; the ends disable their own direction. */
export function MoveButtons({
  index,
  siblings,
  move,
}: {
  index: number;
  siblings: number;
  move: (delta: -1 | 1) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="button-quiet" disabled={index === 0} onClick={() => move(-1)}>
        {t('segments.builder.moveUp')}
      </button>
      <button type="button" className="button-quiet" disabled={index >= siblings - 1} onClick={() => move(1)}>
        {t('segments.builder.moveDown')}
      </button>
    </>
  );
}
