import { ApiError, query } from './api.ts';
import { readSession } from './session.ts';

/** An attachment as POST /api/v1/attachments stored it. */
export interface UploadedFile {
  id: string;
  fileName: string | null;
  kind: string | null;
}

/**
 * Uploads one file to send later (multipart field `file`, so not through `api`); `kind` asks for a photo or a document
 * where the server would guess otherwise. Fails with the API's own error, as `api` does.
 */
export async function uploadFile(file: File, kind?: string): Promise<UploadedFile> {
  const session = readSession();
  const form = new FormData();
  form.append('file', file);
  const res = await fetch(`/api/v1/attachments${query({ kind })}`, {
    method: 'POST',
    headers: session ? { authorization: `Bearer ${session.token}` } : {},
    body: form,
  });
  const json = (await res.json().catch(() => ({}))) as {
    id?: string;
    fileName?: string | null;
    kind?: string;
    error?: { code?: string; message?: string; details?: [] };
  };
  if (!res.ok || !json.id)
    throw new ApiError(
      res.status,
      json.error?.code ?? 'http_error',
      json.error?.message ?? res.statusText,
      json.error?.details ?? [],
    );
  return { id: json.id, fileName: json.fileName ?? null, kind: json.kind ?? null };
}
