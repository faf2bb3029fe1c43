/**
 * The words of open columns the vocabulary does not know (UNKNOWN_VALUE warnings, one per word): an
 * ADMIN picks the vocabulary value each means, the mapping is saved (saveImportMapping) and the file is
 * previewed again (previewImportAgain), so this and later files read the word as mapped.
 */
import { useState } from 'react';
import { Button, Select, Space, Table, Typography } from 'antd';
import { graphql } from '../../gql';
import type { ImportAnnex } from '../../gql/graphql';
import { gql } from '../../api/client';
import type { ImportIssue } from '../../api/imports';
import { useLang } from '../../i18n/lang';
import { CLOSENESS, CONTACT_ROLE, GENDER, OWNERSHIP, REPUTATION, SCALE } from '../../i18n/labels';
import { ErrorAlert } from '../../components/ErrorAlert';

const SaveMapping = graphql(`
  mutation SaveImportValueMapping($input: ImportMappingInput!) {
    saveImportMapping(input: $input) { id column fromText toValue }
  }
`);

/** The open columns (importers/annexes: `open: true`) by header and alias, with their vocabulary (code → [zh, en]). */
const OPEN_COLUMNS: [string[], Record<string, [string, string]>][] = [
  [['role', '角色', '决策角色', '采购角色', '作用', '人员类别', '人员类型', '身份'], CONTACT_ROLE],
  [['closeness', '关系亲密度', '亲密度', '关系程度', '关系'], CLOSENESS],
  [['gender', '性别'], GENDER],
  [['ownership', '单位性质', '企业性质', '所有制', '性质'], OWNERSHIP],
  [['scale', '规模', '企业规模', '单位规模'], SCALE],
  [['reputation', '信誉', '信誉情况', '信誉状况', '商业信誉'], REPUTATION],
];

function vocabularyOf(column: string | null): Record<string, [string, string]> | null {
  if (!column) return null;
  const c = column.replace(/\s/g, '');
  return OPEN_COLUMNS.find(([names]) => names.includes(c))?.[1] ?? OPEN_COLUMNS.find(([names]) => names.some((n) => c.startsWith(n)))?.[1] ?? null;
}

export function UnknownValues({ annex, warnings, onSaved }: { annex: ImportAnnex; warnings: ImportIssue[]; onSaved(): Promise<void> }) {
  const { t, lang } = useLang();
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seen = new Set<string>();
  const words = warnings.filter((w) => w.code === 'UNKNOWN_VALUE').filter((w) => {
    const k = `${w.column}|${w.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!words.length) return null;
  async function save(w: ImportIssue) {
    const k = `${w.column}|${w.value}`;
    setSaving(k);
    setError(null);
    try {
      await gql(SaveMapping, { input: { kind: 'VALUE', annex, column: w.column ?? '', fromText: w.value ?? '', toValue: picked[k] } });
      await onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(null);
    }
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="unknown-values">
      <Typography.Title level={5} style={{ margin: 0 }}>{t(`词表外的取值（${words.length}）：选择对应的值并保存映射，之后重新预览`, `Words outside the vocabulary (${words.length}): pick what each means, save the mapping, and the file is previewed again`)}</Typography.Title>
      {error !== null && <ErrorAlert error={error} />}
      <Table size="small" rowKey={(w) => `${w.column}|${w.value}`} dataSource={words} pagination={false}
        columns={[
          { title: t('列', 'Column'), render: (_, w) => w.column },
          { title: t('文件中的写法', 'As written'), render: (_, w) => w.value },
          { title: t('说明', 'Where'), render: (_, w) => <Typography.Text type="secondary">{w.message}</Typography.Text> },
          {
            title: t('映射为', 'Means'),
            render: (_, w) => {
              const k = `${w.column}|${w.value}`;
              const vocab = vocabularyOf(w.column);
              if (!vocab) return <Typography.Text type="secondary">{t('（此列无词表）', '(no vocabulary)')}</Typography.Text>;
              return (
                <Space>
                  <Select style={{ minWidth: 160 }} showSearch={{ optionFilterProp: 'label' }} aria-label={t(`${w.column}「${w.value}」映射为`, `${w.column} "${w.value}" means`)} placeholder={t('选择词表中的值', 'Pick a value')}
                    value={picked[k]} onChange={(v: string) => setPicked((p) => ({ ...p, [k]: v }))}
                    options={Object.entries(vocab).map(([code, [zh, en]]) => ({ value: code, label: lang === 'en' ? en : zh }))} />
                  <Button type="primary" size="small" disabled={!picked[k]} loading={saving === k} onClick={() => save(w)}>{t('保存映射并重新预览', 'Save and preview again')}</Button>
                </Space>
              );
            },
          },
        ]} />
    </Space>
  );
}
