import type { IncomingMessage } from 'node:http';
import contentType from 'content-type';
import getRawBody from 'raw-body';
import { fail } from '../../fhir/outcomes';

const JSON_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json+fhir', 'application/json-patch+json']);
const FORM = 'application/x-www-form-urlencoded';

export interface RequestBody {
  body?: unknown;
  /** The media type without parameters. */
  mediaType?: string;
}

/**
 * Reads and parses the body: JSON, or a form for POST _search. Refuses other media types (415),
 * bodies over the limit (413, without reading them whole) and malformed JSON (400).
 */
export async function readBody(req: IncomingMessage, limit: number, formAllowed: boolean): Promise<RequestBody> {
  if (!hasBody(req)) {
    return {};
  }
  const { mediaType, charset } = parseContentType(req.headers['content-type']);
  const isForm = mediaType === FORM && formAllowed;
  if (!JSON_TYPES.has(mediaType) && !isForm) {
    throw fail('unsupported-media', 'not-supported', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not supported; send application/fhir+json`);
  }
  if (charset !== 'utf-8') {
    throw fail('unsupported-media', 'not-supported', 'Only UTF-8 request bodies are accepted');
  }
  const text = await readText(req, limit);
  if (isForm) {
    return { mediaType, body: Object.fromEntries(groupPairs(new URLSearchParams(text))) };
  }
  try {
    return { mediaType, body: text.length > 0 ? JSON.parse(text) : undefined };
  } catch {
    throw fail('invalid', 'structure', 'The request body is not valid JSON');
  }
}

export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function parseContentType(header: string | undefined): { mediaType: string; charset: string } {
  try {
    const parsed = contentType.parse(header ?? '');
    return { mediaType: parsed.type, charset: (parsed.parameters.charset ?? 'utf-8').toLowerCase() };
  } catch {
    return { mediaType: header ?? '', charset: 'utf-8' };
  }
}

export async function readText(req: IncomingMessage, limit: number): Promise<string> {
  try {
    return await getRawBody(req, { limit, encoding: 'utf-8', length: req.headers['content-length'] });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw fail('too-large', 'too-costly', 'The request body is larger than the server accepts');
    }
    throw fail('invalid', 'incomplete', 'The request body could not be read');
  }
}

function groupPairs(params: URLSearchParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return grouped;
}
