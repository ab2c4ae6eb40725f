import { useState } from 'react';

/**
 * Adds one of `candidates` (people not yet members) to a team or a channel: a select and a button. `add` gets the
 * chosen id and a callback that clears the choice once the server took it.
 */
export function AddUserPicker({
  candidates,
  actionLabel,
  pickLabel,
  pending,
  add,
}: {
  candidates: ReadonlyArray<{ id: string; displayName: string }>;
  actionLabel: string;
  pickLabel: string;
  pending: boolean;
  add: (userId: string, onAdded: () => void) => void;
}) {
  const [adding, setAdding] = useState('');
  if (candidates.length === 0) return null;
  return (
    <div className="inline-form">
      <label className="compact-field">
        <span className="visually-hidden">{actionLabel}</span>
        <select value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">{pickLabel}</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!adding || pending} onClick={() => add(adding, () => setAdding(''))}>
        {actionLabel}
      </button>
    </div>
  );
}
