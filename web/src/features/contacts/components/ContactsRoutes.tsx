import '../contacts.css';
import { ContactPage } from './ContactPage.tsx';
import { ContactsPage } from './ContactsPage.tsx';
import { ImportPage } from './ImportPage.tsx';

/** The pages under /contacts: the table, /contacts/import, and /contacts/:id. */
export function ContactsRoutes({ path }: { path: string }) {
  const sub = path.split('/')[2];
  if (!sub) return <ContactsPage />;
  if (sub === 'import') return <ImportPage />;
  return <ContactPage key={sub} id={sub} />;
}
