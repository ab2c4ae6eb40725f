import { useI18n } from '../../../i18n/i18n.tsx';
import type { Option } from '../api.ts';

/**
 * A select over a list the API gave (segments, campaigns, notification types…). When the role may not read that list,
 * or the saved value is not in it, the value is still offered (as its id) so nothing is lost on save.
 */
export function OptionSelect(props: {
  id: string;
  label: string;
  value: string;
  options: Option[] | undefined;
  onChange: (value: string) => void;
  emptyLabel?: string;
}) {
  const { t } = useI18n();
  const options = props.options ?? [];
  const missing = props.value && !options.some((o) => o.id === props.value);
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.emptyLabel ?? t('automations.choose')}</option>
        {missing ? <option value={props.value}>{props.value}</option> : null}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}
