/**
 * Pagination for list routes: `limit` with either `offset` or an opaque
 * `cursor` (the next offset, base64url-encoded, as returned in `next_cursor`).
 * Offset-based underneath because the store query interface pages by offset.
 */
import { Type } from '@sinclair/typebox';

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' })),
};

export const PageInfo = Type.Object({
  limit: Type.Integer(),
  offset: Type.Integer(),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');

/** The offset a cursor stands for, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : undefined;
}

/**
 * The page a list request asks for: its limit (default 50) and offset (from
 * the cursor when given, else `offset`, else 0); `offset` is undefined when
 * the cursor is not one this server issued (answer 400).
 */
export function requestedPage(query: { limit?: number; offset?: number; cursor?: string }): {
  limit: number;
  offset: number | undefined;
} {
  const limit = query.limit ?? 50;
  const offset = query.cursor !== undefined ? decodeCursor(query.cursor) : (query.offset ?? 0);
  return { limit, offset };
}

/** Page info for `returned` rows read at `offset` with `limit` (a full page may have a next one). */
export const pageInfo = (limit: number, offset: number, returned: number) => ({
  limit,
  offset,
  next_cursor: returned === limit ? encodeCursor(offset + limit) : null,
});
