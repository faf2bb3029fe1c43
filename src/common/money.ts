/**
 * Money is stored as integer 分 (fen) so sums are exact on every database; the API speaks 元 (yuan)
 * with at most two decimals.
 */
import { say } from './messages';
import { DomainError, ErrorCode } from './errors';
import type { ValueTransformer } from 'typeorm';

/** 元 → 分, rejecting more than two decimals, non-finite values and amounts beyond ±10^15 元. */
export function yuanToFen(yuan: number, field = 'amount'): number {
  if (!Number.isFinite(yuan)) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: ${say('不是数字', 'not a number')}`, { field });
  const fen = Math.round(yuan * 100);
  if (Math.abs(fen - yuan * 100) > 1e-6 * Math.max(1, Math.abs(yuan))) {
    throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: ${say(`${yuan} 超过两位小数`, `${yuan} has more than two decimals`)}`, { field, value: yuan });
  }
  if (Math.abs(fen) > 1e17) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: ${say(`${yuan} 超出范围`, `${yuan} is out of range`)}`, { field });
  return fen;
}

export function fenToYuan(fen: number): number;
export function fenToYuan(fen: number | null | undefined): number | null;
export function fenToYuan(fen: number | null | undefined): number | null {
  return fen === null || fen === undefined ? null : fen / 100;
}

/** BIGINT (string or number from the driver) ↔ number of 分. */
export const fenTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};
