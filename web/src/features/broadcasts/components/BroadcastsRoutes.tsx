import { useI18n } from '../../../i18n/i18n.tsx';
import '../broadcasts.css';
import { BroadcastCreatePage } from './BroadcastCreatePage.tsx';
import { BroadcastDetailPage } from './BroadcastDetailPage.tsx';
import { BroadcastsPage } from './BroadcastsPage.tsx';

const ID = /^\/broadcasts\/([0-9a-f-]{36})$/i;
const EDIT = /^\/broadcasts\/([0-9a-f-]{36})\/edit$/i;

/** The pages under /broadcasts: the list, the create flow (also editing a draft) and one broadcast. */
export function BroadcastsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/broadcasts') return <BroadcastsPage />;
  if (path === '/broadcasts/new') return <BroadcastCreatePage />;
  const editId = EDIT.exec(path)?.[1];
  // The same flow, opened on a stored draft; keyed so another draft starts from a clean form.
  if (editId) return <BroadcastCreatePage key={editId} editId={editId} />;
  const id = ID.exec(path)?.[1];
  // Keyed by id: "duplicate" opens the copy in the same component, which must start from a clean state.
  if (id) return <BroadcastDetailPage key={id} id={id} />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
