/**
 * 导入 (admin, manager): choose the annex, drop the file, preview what the import would do (a dry run:
 * counts, and a grid of the rejected rows with each bad cell highlighted and its reason on hover),
 * confirm, watch it run, see the result; the history of imports below; blank templates to download.
 * See api/imports.ts for what waits for issue 12 (async review, value mapping, undo, errors workbook).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Progress, Radio, Result, Row, Space, Statistic, Steps, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { graphql } from '../../gql';
import type { ImportAnnex, ImportMode } from '../../gql/graphql';
import { useGql } from '../../api/client';
import { download, saveBlob } from '../../api/downloads';
import { ANNEX_PATH, etaSeconds, issuesCsv, runImport, runningJob, type ImportIssue, type ImportRun } from '../../api/imports';
import { useLang } from '../../i18n/lang';
import { IMPORT_ANNEX, IMPORT_MODE, IMPORT_STATUS, label } from '../../i18n/labels';
import { formatDateTime, formatDuration } from '../../format';
import { ErrorAlert, useExplain } from '../../components/ErrorAlert';

const HistoryQuery = graphql(`
  query ImportHistory {
    importJobs(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      nodes {
        id annex fileName status mode dryRun actor createdAt finishedAt sizeBytes message interrupted
        rowsTotal rowsValid rowsInvalid rowsCreated rowsUpdated rowsUnchanged rowsProcessed
        unit { id name }
        errors(first: 100) { id sheet row cell column value code message }
        warnings(first: 100) { id sheet row cell column value code message }
      }
    }
  }
`);

type Phase = 'choose' | 'checking' | 'preview' | 'importing' | 'done';

const ANNEXES: ImportAnnex[] = ['SUMMARY', 'ARCHIVE', 'PERSONS', 'LEDGER'];

export default function ImportPage() {
  const { t, lang } = useLang();
  const { message } = App.useApp();
  const explain = useExplain();
  const [annex, setAnnex] = useState<ImportAnnex>('ARCHIVE');
  const [mode, setMode] = useState<ImportMode>('ATOMIC');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('choose');
  const [preview, setPreview] = useState<ImportRun | null>(null);
  const [result, setResult] = useState<ImportRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(0);
  const [processed, setProcessed] = useState<{ rows: number; total: number } | null>(null);
  const started = useRef(0);
  const [now, setNow] = useState(Date.now());
  const history = useGql(HistoryQuery, {});

  // While a run is under way: tick the clock and read the job's progress from importJobs.
  useEffect(() => {
    if (phase !== 'importing' && phase !== 'checking') return;
    const timer = window.setInterval(async () => {
      setNow(Date.now());
      if (phase !== 'importing') return;
      try {
        const job = await runningJob(annex);
        if (job) setProcessed({ rows: job.rowsProcessed, total: job.rowsTotal });
      } catch {
        /* progress is best effort; the run's own answer decides */
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [phase, annex]);

  function reset() {
    setFile(null);
    setPreview(null);
    setResult(null);
    setError(null);
    setPhase('choose');
  }

  /** Posts the file: a dry run is the preview, a real run the import; a refusal returns to the step before. */
  async function post(dryRun: boolean) {
    if (!file) return;
    setError(null);
    setPhase(dryRun ? 'checking' : 'importing');
    started.current = Date.now();
    setSent(0);
    setProcessed(null);
    try {
      const run = await runImport(annex, file, { dryRun, mode, onUpload: (s) => setSent(s) });
      if (dryRun) {
        setPreview(run);
        setPhase('preview');
      } else {
        setResult(run);
        setPhase('done');
        await history.refetch();
      }
    } catch (e) {
      setError(e);
      setPhase(dryRun ? 'choose' : 'preview');
    }
  }

  const elapsed = (now - started.current) / 1000;
  const uploadPct = file ? Math.min(100, Math.round((sent / Math.max(file.size, 1)) * 100)) : 0;
  const uploadEta = sent > 0 && file && sent < file.size ? etaSeconds(sent, file.size, elapsed) : null;
  const rowEta = processed ? etaSeconds(processed.rows, processed.total, elapsed) : null;
  const step = { choose: 0, checking: 1, preview: 1, importing: 2, done: 3 }[phase];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('导入附件', 'Import annexes')}</Typography.Title>
      <Card>
        <Steps current={step} status={phase === 'done' ? 'finish' : 'process'} items={[{ title: t('选择文件', 'Choose the file') }, { title: t('预检', 'Preview') }, { title: t('导入', 'Import') }, { title: t('结果', 'Result') }]} />
      </Card>
      {error !== null && <ErrorAlert error={error} />}

      {(phase === 'choose' || phase === 'checking') && (
        <Card title={t('1. 选择附件与文件', '1. Annex and file')}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Radio.Group aria-label={t('附件', 'Annex')} value={annex} onChange={(e) => setAnnex(e.target.value)} optionType="button" buttonStyle="solid"
              options={ANNEXES.map((a) => ({ value: a, label: label(IMPORT_ANNEX, a, lang) }))} />
            <Space wrap>
              <Typography.Text>{t('空白模板（含下拉选项和示例行）：', 'Blank templates (dropdowns, an example row):')}</Typography.Text>
              {ANNEXES.map((a) => (
                <Button key={a} size="small" icon={<DownloadOutlined />} onClick={async () => {
                  try {
                    await download(`/templates/${ANNEX_PATH[a]}.xlsx`, `${ANNEX_PATH[a]}.xlsx`);
                  } catch (e) {
                    message.error(explain(e), 8);
                  }
                }}>{label(IMPORT_ANNEX, a, lang).split(' ')[0]}</Button>
              ))}
            </Space>
            <Radio.Group aria-label={t('导入模式', 'Mode')} value={mode} onChange={(e) => setMode(e.target.value)}
              options={(['ATOMIC', 'SKIP_INVALID'] as ImportMode[]).map((m) => ({ value: m, label: label(IMPORT_MODE, m, lang) }))} />
            <Upload.Dragger
              accept=".xlsx,.csv,.xls"
              multiple={false}
              maxCount={1}
              fileList={file ? [{ uid: '1', name: file.name, size: file.size, status: 'done' }] : []}
              beforeUpload={(f) => {
                setFile(f);
                setError(null);
                return false;
              }}
              onRemove={() => setFile(null)}
            >
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{t('点击或将文件拖到此处', 'Click or drag a file here')}</p>
              <p className="ant-upload-hint">{t('Excel（.xlsx，Excel / WPS / LibreOffice 均可）或 CSV（UTF-8 或 GBK）', 'Excel (.xlsx from Excel, WPS or LibreOffice) or CSV (UTF-8 or GBK)')}</p>
            </Upload.Dragger>
            {phase === 'checking' && <Progress percent={uploadPct} status="active" format={(p) => (p === 100 ? t('检查中…', 'Checking…') : `${p}%`)} />}
            <Button type="primary" disabled={!file} loading={phase === 'checking'} onClick={() => post(true)}>{t('预检（不写入）', 'Preview (writes nothing)')}</Button>
          </Space>
        </Card>
      )}

      {phase === 'preview' && preview && (
        <Card title={t(`2. 预检：${preview.report.file}`, `2. Preview: ${preview.report.file}`)}
          extra={<Button onClick={reset}>{t('重新选择文件', 'Choose another file')}</Button>}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Counts run={preview} dry />
            {preview.report.rows.invalid > 0 && mode === 'ATOMIC' && (
              <Alert type="warning" showIcon title={t('整体导入模式下，只要有错误行就不会写入任何一行。请修正文件后重新上传，或改为“跳过错误行”只导入有效行。', 'In atomic mode any rejected row means nothing is written. Fix the file and upload it again, or switch to "skip invalid rows".')} />
            )}
            <IssueGrid issues={preview.report.errors} />
            <Warnings issues={preview.report.warnings} />
            <Space>
              <Button type="primary" onClick={() => post(false)} disabled={preview.report.rows.valid === 0 || (preview.report.rows.invalid > 0 && mode === 'ATOMIC')}>
                {t(`确认导入 ${mode === 'SKIP_INVALID' ? preview.report.rows.valid : preview.report.rows.total} 行`, `Import ${mode === 'SKIP_INVALID' ? preview.report.rows.valid : preview.report.rows.total} rows`)}
              </Button>
              {preview.report.rows.invalid > 0 && mode === 'ATOMIC' && (
                <Button onClick={() => { setMode('SKIP_INVALID'); setPhase('choose'); }}>{t('改为跳过错误行', 'Switch to skip-invalid')}</Button>
              )}
              {preview.report.errors.length > 0 && (
                <Button icon={<DownloadOutlined />} onClick={() => saveBlob(issuesCsv(preview.report.errors), `错误清单-${preview.report.file}.csv`)}>{t('下载错误清单', 'Download the error list')}</Button>
              )}
            </Space>
          </Space>
        </Card>
      )}

      {phase === 'importing' && (
        <Card title={t('3. 导入中', '3. Importing')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text>{t('上传', 'Upload')}</Typography.Text>
            <Progress percent={uploadPct} status={uploadPct < 100 ? 'active' : 'success'} aria-label={t('上传进度', 'Upload progress')} />
            {uploadEta !== null && <Typography.Text type="secondary">{t(`预计还需 ${formatDuration(uploadEta, 'zh')}`, `about ${formatDuration(uploadEta, 'en')} left`)}</Typography.Text>}
            {uploadPct === 100 && (
              <>
                <Typography.Text>{t('写入', 'Writing')}</Typography.Text>
                {processed && processed.total > 0 ? (
                  <Progress percent={Math.round((processed.rows / processed.total) * 100)} status="active" aria-label={t('写入进度', 'Write progress')} />
                ) : (
                  <Progress percent={99} status="active" showInfo={false} aria-label={t('写入进度', 'Write progress')} />
                )}
                <Typography.Text type="secondary" data-testid="import-progress">
                  {t(`已处理 ${processed?.rows ?? 0} 行 · 已用时 ${formatDuration(elapsed, 'zh')}`, `${processed?.rows ?? 0} rows processed · ${formatDuration(elapsed, 'en')} elapsed`)}
                  {rowEta !== null ? t(` · 预计还需 ${formatDuration(rowEta, 'zh')}`, ` · about ${formatDuration(rowEta, 'en')} left`) : ''}
                </Typography.Text>
              </>
            )}
          </Space>
        </Card>
      )}

      {phase === 'done' && result && (
        <Card title={t('4. 结果', '4. Result')}>
          <Result
            status={result.report.rows.invalid > 0 ? 'warning' : 'success'}
            title={result.report.rows.invalid > 0
              ? t(`导入完成，${result.report.rows.invalid} 行被拒绝`, `Imported; ${result.report.rows.invalid} rows rejected`)
              : t('导入成功', 'Imported')}
            subTitle={t(`导入记录 #${result.jobId ?? '?'} · ${result.report.file}`, `Job #${result.jobId ?? '?'} · ${result.report.file}`)}
            extra={<Button type="primary" onClick={reset}>{t('继续导入', 'Import another file')}</Button>}
          />
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Counts run={result} />
            {result.report.errors.length > 0 && <IssueGrid issues={result.report.errors} />}
          </Space>
        </Card>
      )}

      <Card title={t(`导入记录（${history.data?.importJobs.totalCount ?? '…'}）`, `Import history (${history.data?.importJobs.totalCount ?? '…'})`)}>
        {history.isError && <ErrorAlert error={history.error} />}
        <Table size="small" rowKey="id" loading={history.isLoading} dataSource={history.data?.importJobs.nodes ?? []} pagination={{ pageSize: 10, showSizeChanger: false }} data-testid="import-history"
          expandable={{
            rowExpandable: (j) => j.errors.length + j.warnings.length > 0 || !!j.message,
            expandedRowRender: (j) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {j.message && <Alert type="error" title={j.message} />}
                <IssueTable issues={j.errors} />
                <Warnings issues={j.warnings} />
              </Space>
            ),
          }}
          columns={[
            { title: '#', dataIndex: 'id', width: 60 },
            { title: t('时间', 'When'), width: 150, render: (_, j) => formatDateTime(j.createdAt) },
            { title: t('附件', 'Annex'), render: (_, j) => label(IMPORT_ANNEX, j.annex, lang) },
            { title: t('文件', 'File'), dataIndex: 'fileName', ellipsis: true },
            { title: t('方式', 'Run'), render: (_, j) => (j.dryRun ? <Tag>{t('预检', 'Preview')}</Tag> : label(IMPORT_MODE, j.mode, lang).split('（')[0]) },
            { title: t('状态', 'Status'), render: (_, j) => <Tag color={{ SUCCEEDED: 'green', REJECTED: 'orange', FAILED: 'red', RUNNING: 'processing', PENDING: 'default', PREVIEW: 'blue', EXPIRED: 'default', UNDONE: 'purple' }[j.status]}>{label(IMPORT_STATUS, j.status, lang)}</Tag> },
            { title: t('行数', 'Rows'), align: 'right', dataIndex: 'rowsTotal' },
            { title: t('新增/更新/未变', 'New/updated/same'), render: (_, j) => `${j.rowsCreated} / ${j.rowsUpdated} / ${j.rowsUnchanged}` },
            { title: t('错误行', 'Rejected'), align: 'right', render: (_, j) => (j.rowsInvalid ? <Typography.Text type="danger">{j.rowsInvalid}</Typography.Text> : 0) },
            { title: t('操作人', 'By'), dataIndex: 'actor' },
          ]} />
      </Card>
    </Space>
  );
}

function Counts({ run, dry }: { run: ImportRun; dry?: boolean }) {
  const { t } = useLang();
  const r = run.report.rows;
  return (
    <Row gutter={16} data-testid="import-counts">
      <Col span={4}><Statistic title={t('数据行', 'Rows')} value={r.total} /></Col>
      <Col span={4}><Statistic title={t('有效', 'Valid')} value={r.valid} /></Col>
      <Col span={4}><Statistic title={t('错误', 'Rejected')} value={r.invalid} styles={{ content: { color: r.invalid ? '#cf1322' : undefined } }} /></Col>
      <Col span={4}><Statistic title={dry ? t('将新增', 'Would create') : t('新增', 'Created')} value={r.created} /></Col>
      <Col span={4}><Statistic title={dry ? t('将更新', 'Would update') : t('更新', 'Updated')} value={r.updated} /></Col>
      <Col span={4}><Statistic title={t('未变化', 'Unchanged')} value={r.unchanged} /></Col>
    </Row>
  );
}

/**
 * The rejected rows as a grid: one line per row of the file, one column per header that has a bad
 * cell; each bad cell shows its value highlighted, with the reason on hover or keyboard focus.
 */
function IssueGrid({ issues }: { issues: ImportIssue[] }) {
  const { t } = useLang();
  const { rows, columns } = useMemo(() => {
    const byRow = new Map<string, { key: string; sheet: string | null; row: number | null; cells: Map<string, ImportIssue[]> }>();
    const cols: string[] = [];
    for (const i of issues) {
      const key = `${i.sheet ?? ''}#${i.row ?? ''}`;
      let r = byRow.get(key);
      if (!r) byRow.set(key, (r = { key, sheet: i.sheet, row: i.row, cells: new Map() }));
      const col = i.column ?? t('（整行）', '(row)');
      if (!cols.includes(col)) cols.push(col);
      r.cells.set(col, [...(r.cells.get(col) ?? []), i]);
    }
    return { rows: [...byRow.values()], columns: cols };
  }, [issues, t]);
  if (!issues.length) return <Alert type="success" showIcon title={t('没有错误行', 'No rejected rows')} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5} style={{ margin: 0 }}>{t(`错误行（${rows.length}）：标红的单元格有问题，悬停或聚焦查看原因`, `Rejected rows (${rows.length}): red cells are wrong — hover or focus for the reason`)}</Typography.Title>
      <Table size="small" bordered rowKey="key" dataSource={rows} pagination={{ pageSize: 20, showSizeChanger: false }} scroll={{ x: 'max-content' }} data-testid="issue-grid"
        columns={[
          { title: t('工作表', 'Sheet'), width: 120, render: (_, r) => r.sheet ?? '' },
          { title: t('行', 'Row'), width: 60, render: (_, r) => r.row ?? '' },
          ...columns.map((c) => ({
            title: c,
            key: c,
            render: (_: unknown, r: (typeof rows)[number]) => {
              const list = r.cells.get(c);
              if (!list) return null;
              const reason = list.map((i) => `${i.cell ? `${i.cell}：` : ''}${i.message}（${i.code}）`).join('\n');
              return (
                <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{reason}</span>}>
                  <span tabIndex={0} className="issue-cell" aria-label={`${list[0].value ?? ''} — ${reason}`}
                    style={{ display: 'block', background: '#fff1f0', border: '1px solid #ffa39e', padding: '0 6px', borderRadius: 4, color: '#a8071a', minHeight: 22 }}>
                    {list[0].value || t('（空）', '(blank)')}
                  </span>
                </Tooltip>
              );
            },
          })),
        ]} />
      <IssueTable issues={issues} />
    </Space>
  );
}

function IssueTable({ issues }: { issues: ImportIssue[] }) {
  const { t } = useLang();
  if (!issues.length) return null;
  const codes = [...new Set(issues.map((i) => i.code))];
  return (
    <Table size="small" rowKey={(i) => `${i.sheet}-${i.cell ?? i.row}-${i.code}-${i.message}`} dataSource={issues} pagination={{ pageSize: 10, showSizeChanger: false }}
      columns={[
        { title: t('工作表', 'Sheet'), dataIndex: 'sheet' },
        { title: t('单元格', 'Cell'), render: (_, i) => i.cell ?? (i.row ? t(`第 ${i.row} 行`, `row ${i.row}`) : '') },
        { title: t('列标题', 'Header'), dataIndex: 'column' },
        { title: t('内容', 'Value'), dataIndex: 'value' },
        { title: t('代码', 'Code'), dataIndex: 'code', filters: codes.map((c) => ({ text: c, value: c })), onFilter: (v, i) => i.code === v },
        { title: t('说明', 'Message'), dataIndex: 'message' },
      ]} />
  );
}

function Warnings({ issues }: { issues: ImportIssue[] }) {
  const { t } = useLang();
  if (!issues.length) return null;
  return (
    <Descriptions size="small" bordered column={1} title={t(`提示（${issues.length}）`, `Warnings (${issues.length})`)}>
      {issues.slice(0, 50).map((w, k) => (
        <Descriptions.Item key={k} label={`${w.code}${w.cell ? ` · ${w.cell}` : ''}${w.column ? ` · ${w.column}` : ''}`}>{w.message}</Descriptions.Item>
      ))}
    </Descriptions>
  );
}
