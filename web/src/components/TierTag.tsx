import { Tag } from 'antd';

const COLORS = ['red', 'volcano', 'blue', 'default', 'default'];

/** A tier as a coloured tag: the highest rank stands out. */
export function TierTag({ tier }: { tier: { name: string; rank?: number | null } | null | undefined }) {
  if (!tier) return null;
  return <Tag color={COLORS[Math.min((tier.rank ?? 4) - 1, 4)] ?? 'default'}>{tier.name}</Tag>;
}
