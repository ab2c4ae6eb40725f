/** The API's reason for one field, shown under it (an empty one renders nothing). */
export function FieldProblem({ id, text }: { id?: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p id={id} className="form-error field-problem" data-testid="field-problem">
      {text}
    </p>
  );
}
