/** The API's objections to one field, under it (the server's wording names the line and column for template syntax). */
export function FieldProblems({ messages, id }: { messages: string[] | undefined; id?: string }) {
  if (!messages?.length) return null;
  return (
    <ul className="field-problems form-error" role="alert" id={id} data-testid="template-problem">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}
