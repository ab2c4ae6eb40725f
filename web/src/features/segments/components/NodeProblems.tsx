import type { LocatedProblem } from '../filter-tree.ts';

/** The API's objections to one node, under it (the server's wording: it names the exact field and limit). */
export function NodeProblems({ problems }: { problems: LocatedProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="filter-problems form-error" role="alert" data-testid="filter-problem">
      {problems.map((p) => (
        <li key={`${p.field}:${p.message}`}>
          {p.field ? <code>{p.field}</code> : null} {p.message}
        </li>
      ))}
    </ul>
  );
}
