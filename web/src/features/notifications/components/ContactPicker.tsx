import type { MessageKey } from '../../../i18n/en.ts';
import { ContactSearch } from '../../../lib/ContactSearch.tsx';
import { useContactName } from '../api.ts';

/** The shared contact search, naming a contact that came with the page's address (a filter link) by its name. */
export function ContactPicker({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: MessageKey;
  value: string;
  onChange: (contactId: string) => void;
}) {
  const chosen = useContactName(value || null);
  return (
    <ContactSearch
      id={id}
      value={value}
      onChange={onChange}
      chosenName={chosen.data}
      texts={{
        label,
        placeholder: 'notifications.contact.placeholder',
        none: 'notifications.contact.none',
        change: 'notifications.contact.clear',
      }}
    />
  );
}
