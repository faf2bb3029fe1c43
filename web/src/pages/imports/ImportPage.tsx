/**
 * 导入 (admin, manager), the reviewed import: choose the annex, drop the file → upload (`202`, a job) →
 * the server previews it → a grid of every row (新增 / 更新 / 未变化 / 错误), error cells highlighted with
 * the reason on hover or focus, an update's changed cells before → after (masked where the API masks)
 * → confirm (atomic, or skip invalid rows) → a live progress bar (rows processed / total, ETA) → the
 * result with the errors workbook → the history, with 撤销 for the imports this user may undo.
 * Blank templates to download. Everything through the public routes and GraphQL (api/imports.ts).
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, List, Progress, Radio, Result, Row, Space, Statistic, Steps, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined, UndoOutlined } from '@ant-design/icons';
import { graphql } from '../../gql';
import type { ImportAnnex, ImportMode, ImportRowOutcome, ImportStatus } from '../../gql/graphql';
import { useGql } from '../../api/client';
import { download } from '../../api/downloads';
import { ANNEX_PATH, ImportPreviewQuery, confirmImport, previewImportAgain, downloadErrorsWorkbook, etaSeconds, importJob, undoImport, uploadImport, type ImportIssue } from '../../api/imports';
import { useViewer } from '../../api/viewer';
import { useLang } from '../../i18n/lang';
import { IMPORT_ANNEX, IMPORT_MODE, IMPORT_STATUS, label } from '../../i18n/labels';
import { importField } from '../../i18n/import-fields';
import { formatDateTime, formatDuration } from '../../format';
import { ErrorAlert, useExplain } from '../../components/ErrorAlert';
import { UnknownValues } from './UnknownValues';

const HistoryQuery = graphql(`
  query ImportHistory {
    importJobs(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      nodes {
        id annex fileName status mode dryRun actor createdAt finishedAt sizeBytes message interrupted undoneAt undoneBy
        rowsTotal rowsValid rowsInvalid rowsCreated rowsUpdated rowsUnchanged rowsProcessed
        unit { id name }
        errors(first: 100) { id sheet row cell column value code message }
        warnings(first: 100) { id sheet row cell column value code message }
      }
    }
  }
`);

type Phase = 'choose' | 'uploading' | 'checking' | 'preview' | 'importing' | 'done';
type Job = NonNullable<Awaited<ReturnType<typeof importJob>>>;
type UndoResult = Awaited<ReturnType<typeof undoImport>>;

const ANNEXES: ImportAnnex[] = ['SUMMARY', 'ARCHIVE', 'PERSONS', 'LEDGER'];
const OUTCOMES: ImportRowOutcome[] = ['CREATED', 'UPDATED', 'UNCHANGED', 'ERROR'];
const OUTCOME_LABEL: Record<ImportRowOutcome, [string, string, string]> = {
  CREATED: ['新增', 'New', 'green'],
  UPDATED: ['更新', 'Update', 'blue'],
  UNCHANGED: ['未变化', 'Unchanged', 'default'],
  ERROR: ['错误', 'Error', 'red'],
};
const UNDO_DAYS = 7;
const PAGE = 50;

export default function ImportPage() {
  const { t, lang } = useLang();
  const { message, modal } = App.useApp();
  const explain = useExplain();
  const me = useViewer().data?.me;
  const [annex, setAnnex] = useState<ImportAnnex>('ARCHIVE');
  const [mode, setMode] = useState<ImportMode>('ATOMIC');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('choose');
  const [jobId, setJobId] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(0);
  const [started, setStarted] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [undone, setUndone] = useState<{ job: string; result: UndoResult } | null>(null);
  const history = useGql(HistoryQuery, {});

  // While the server previews or writes: poll the job (status, rowsProcessed / rowsTotal, ETA).
  useEffect(() => {
    if ((phase !== 'checking' && phase !== 'importing') || !jobId) return;
    let stop = false;
    const tick = async () => {
      setNow(Date.now());
      try {
        const j = await importJob(jobId);
        if (stop || !j) return;
        setJob(j);
        if (j.status === 'RUNNING' || j.status === 'PENDING') return;
        if (phase === 'checking') {
          void history.refetch();
          if (j.status === 'PREVIEW') setPhase('preview');
          else {
            setError(new Error(j.message ?? label(IMPORT_STATUS, j.status, lang)));
            setPhase('choose');
          }
        } else {
          setPhase('done');
          void history.refetch();
        }
      } catch (e) {
        if (!stop) setError(e);
      }
    };
    void tick();
    const timer = window.setInterval(tick, 700);
    return () => {
      stop = true;
      window.clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [phase, jobId]);

  function reset() {
    setFile(null);
    setJob(null);
    setJobId(null);
    setError(null);
    setPhase('choose');
  }

  async function upload() {
    if (!file) return;
    setError(null);
    setPhase('uploading');
    setSent(0);
    setStarted(Date.now());
    try {
      const staged = await uploadImport(annex, file, { mode, onUpload: (s) => setSent(s) });
      setJobId(String(staged.job));
      setJob(null);
      setPhase('checking');
      void history.refetch();
    } catch (e) {
      setError(e);
      setPhase('choose');
    }
  }

  async function confirm() {
    if (!jobId) return;
    setError(null);
    try {
      await confirmImport(jobId, mode);
      setStarted(Date.now());
      setPhase('importing');
    } catch (e) {
      setError(e);
    }
  }

  async function errorsWorkbook(id: string) {
    try {
      await downloadErrorsWorkbook(id);
    } catch (e) {
      message.error(explain(e), 8);
    }
  }

  function undo(id: string, fileName: string) {
    modal.confirm({
      title: t(`撤销导入 #${id}？`, `Undo import #${id}?`),
      content: t(`将删除「${fileName}」新增的记录，并把它更新的记录恢复为导入前的值；之后被修改或被引用的记录会保留。`, `Records "${fileName}" created are removed and those it updated get their values back; records changed or referred to since are kept.`),
      okText: t('撤销导入', 'Undo the import'),
      cancelText: t('取消', 'Cancel'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          const result = await undoImport(id);
          setUndone({ job: id, result });
          await history.refetch();
        } catch (e) {
          message.error(explain(e), 8);
        }
      },
    });
  }

  const mayUndo = (j: { status: ImportStatus; dryRun: boolean; actor: string; finishedAt?: string | null; createdAt: string }) =>
    !j.dryRun && (j.status === 'SUCCEEDED' || j.status === 'REJECTED') && !!me &&
    (me.role === 'ADMIN' || (j.actor === me.name && Date.now() - new Date(j.finishedAt ?? j.createdAt).getTime() < UNDO_DAYS * 86_400_000));

  const elapsed = (now - started) / 1000;
  const uploadPct = file ? Math.min(100, Math.round((sent / Math.max(file.size, 1)) * 100)) : 0;
  const uploadEta = phase === 'uploading' && file && sent > 0 ? etaSeconds(sent, file.size, elapsed) : null;
  const step = { choose: 0, uploading: 0, checking: 1, preview: 1, importing: 2, done: 3 }[phase];
  const rows = job ? { total: job.rowsTotal, valid: job.rowsValid, invalid: job.rowsInvalid, created: job.rowsCreated, updated: job.rowsUpdated, unchanged: job.rowsUnchanged } : null;
  const confirmRows = rows ? (mode === 'SKIP_INVALID' ? rows.valid : rows.total) : 0;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('导入附件', 'Import annexes')}</Typography.Title>
      <Card>
        <Steps current={step} status={phase === 'done' ? 'finish' : 'process'} items={[{ title: t('选择文件', 'Choose the file') }, { title: t('预览', 'Preview') }, { title: t('导入', 'Import') }, { title: t('结果', 'Result') }]} />
      </Card>
      {error !== null && <ErrorAlert error={error} />}

      {(phase === 'choose' || phase === 'uploading') && (
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
            {phase === 'uploading' && (
              <>
                <Progress percent={uploadPct} status="active" aria-label={t('上传进度', 'Upload progress')} />
                {uploadEta !== null && <Typography.Text type="secondary">{t(`预计还需 ${formatDuration(uploadEta, 'zh')}`, `about ${formatDuration(uploadEta, 'en')} left`)}</Typography.Text>}
              </>
            )}
            <Button type="primary" disabled={!file} loading={phase === 'uploading'} onClick={upload}>{t('上传并预览（不写入）', 'Upload and preview (writes nothing)')}</Button>
          </Space>
        </Card>
      )}

      {phase === 'checking' && (
        <Card title={t('2. 预览中', '2. Previewing')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text>{t(`导入记录 #${jobId}：服务器正在逐行检查「${file?.name ?? ''}」，尚未写入任何数据。`, `Job #${jobId}: the server checks "${file?.name ?? ''}" row by row; nothing is written.`)}</Typography.Text>
            <JobProgress job={job} label={t('预览进度', 'Preview progress')} />
          </Space>
        </Card>
      )}

      {phase === 'preview' && job && rows && jobId && (
        <Card title={t(`2. 预览：${job.fileName}（导入记录 #${job.id}）`, `2. Preview: ${job.fileName} (job #${job.id})`)}
          extra={<Button onClick={reset}>{t('重新选择文件', 'Choose another file')}</Button>}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Counts rows={rows} dry />
            {job.expiresAt && <Typography.Text type="secondary">{t(`预览保留至 ${formatDateTime(job.expiresAt)}，逾期须重新上传。`, `The preview waits until ${formatDateTime(job.expiresAt)}; then upload again.`)}</Typography.Text>}
            <PreviewGrid job={jobId} />
            {me?.role === 'ADMIN' && (
              <UnknownValues annex={job.annex} warnings={job.warnings} onSaved={async () => {
                await previewImportAgain(jobId);
                setJob(null);
                setPhase('checking');
              }} />
            )}
            <Warnings issues={job.warnings} />
            <Radio.Group aria-label={t('导入模式', 'Mode')} value={mode} onChange={(e) => setMode(e.target.value)}
              options={(['ATOMIC', 'SKIP_INVALID'] as ImportMode[]).map((m) => ({ value: m, label: label(IMPORT_MODE, m, lang) }))} />
            {rows.invalid > 0 && mode === 'ATOMIC' && (
              <Alert type="warning" showIcon title={t('整体导入模式下，只要有错误行就不会写入任何一行。请修正文件后重新上传，或选择“跳过错误行”只导入有效行。', 'In atomic mode any rejected row means nothing is written. Fix the file and upload it again, or choose "skip invalid rows" to import the valid rows.')} />
            )}
            <Space wrap>
              <Button type="primary" onClick={confirm} disabled={rows.valid === 0 || (rows.invalid > 0 && mode === 'ATOMIC')}>
                {t(`确认导入 ${confirmRows} 行`, `Import ${confirmRows} rows`)}
              </Button>
              {rows.invalid > 0 && (
                <Button icon={<DownloadOutlined />} onClick={() => errorsWorkbook(jobId)}>{t('下载错误行工作簿', 'Download the rejected rows (xlsx)')}</Button>
              )}
            </Space>
          </Space>
        </Card>
      )}

      {phase === 'importing' && (
        <Card title={t('3. 导入中', '3. Importing')}>
          <JobProgress job={job && job.status === 'RUNNING' ? job : null} label={t('写入进度', 'Write progress')} />
        </Card>
      )}

      {phase === 'done' && job && rows && jobId && (
        <Card title={t('4. 结果', '4. Result')}>
          <Result
            status={job.status === 'FAILED' ? 'error' : rows.invalid > 0 ? 'warning' : 'success'}
            title={job.status === 'FAILED'
              ? t(`导入失败：${job.message ?? ''}`, `The import failed: ${job.message ?? ''}`)
              : rows.invalid > 0
                ? t(`导入完成，${rows.invalid} 行被拒绝`, `Imported; ${rows.invalid} rows rejected`)
                : t('导入成功', 'Imported')}
            subTitle={t(`导入记录 #${jobId} · ${job.fileName}`, `Job #${jobId} · ${job.fileName}`)}
            extra={[
              <Button key="again" type="primary" onClick={reset}>{t('继续导入', 'Import another file')}</Button>,
              rows.invalid > 0 && job.status !== 'FAILED' ? <Button key="errors" icon={<DownloadOutlined />} onClick={() => errorsWorkbook(jobId)}>{t('下载错误行工作簿', 'Download the rejected rows (xlsx)')}</Button> : null,
            ]}
          />
          <Counts rows={rows} />
        </Card>
      )}

      {undone && (
        <Alert type={undone.result.kept.length ? 'warning' : 'success'} showIcon closable onClose={() => setUndone(null)} data-testid="undo-result"
          title={t(`已撤销导入 #${undone.job}：删除 ${undone.result.removed} 条新增记录，恢复 ${undone.result.restored} 条记录，保留 ${undone.result.kept.length} 条`,
            `Import #${undone.job} undone: ${undone.result.removed} created records removed, ${undone.result.restored} restored, ${undone.result.kept.length} kept`)}
          description={undone.result.kept.length > 0 && (
            <List size="small" header={t('保留的记录（之后被修改、被引用或已删除）：', 'Kept (changed, referred to or deleted since):')} dataSource={undone.result.kept}
              renderItem={(k) => <List.Item><Tag>{KEPT_REASON[k.reason]?.[lang === 'en' ? 1 : 0] ?? k.reason}</Tag>{k.entity} #{k.id} — {k.message}</List.Item>} />
          )} />
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
            {
              title: t('操作', 'Actions'),
              render: (_, j) => (
                <Space size="small">
                  {j.rowsInvalid > 0 && j.status !== 'RUNNING' && j.status !== 'PENDING' && (
                    <Tooltip title={t('下载错误行工作簿', 'Download the rejected rows')}>
                      <Button size="small" icon={<DownloadOutlined />} aria-label={t(`下载导入 #${j.id} 的错误行工作簿`, `Download the rejected rows of import #${j.id}`)} onClick={() => errorsWorkbook(j.id)} />
                    </Tooltip>
                  )}
                  {mayUndo(j) && (
                    <Button size="small" danger icon={<UndoOutlined />} aria-label={t(`撤销导入 #${j.id}`, `Undo import #${j.id}`)} onClick={() => undo(j.id, j.fileName)}>{t('撤销', 'Undo')}</Button>
                  )}
                  {j.status === 'UNDONE' && j.undoneBy && <Typography.Text type="secondary">{t(`${j.undoneBy} 已撤销`, `undone by ${j.undoneBy}`)}</Typography.Text>}
                </Space>
              ),
            },
          ]} />
      </Card>
    </Space>
  );
}

const KEPT_REASON: Record<string, [string, string]> = {
  CHANGED_SINCE: ['之后被修改', 'changed since'],
  IN_USE: ['被引用', 'in use'],
  GONE: ['已删除', 'gone'],
};

/** The job's rows processed / total, with the server's ETA; indeterminate until the total is known. */
function JobProgress({ job, label: name }: { job: Job | null; label: string }) {
  const { t } = useLang();
  const total = job?.rowsTotal ?? 0;
  const done = job?.rowsProcessed ?? 0;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {total > 0 ? (
        <Progress percent={Math.floor((job?.progress ?? done / total) * 100)} status="active" aria-label={name} />
      ) : (
        <Progress percent={99} status="active" showInfo={false} aria-label={name} />
      )}
      <Typography.Text type="secondary" data-testid="import-progress">
        {total > 0 ? t(`已处理 ${done} / ${total} 行`, `${done} / ${total} rows processed`) : t(`已处理 ${done} 行`, `${done} rows processed`)}
        {job?.etaSeconds != null && job.etaSeconds > 0 ? t(` · 预计还需 ${formatDuration(job.etaSeconds, 'zh')}`, ` · about ${formatDuration(job.etaSeconds, 'en')} left`) : ''}
      </Typography.Text>
    </Space>
  );
}

function Counts({ rows: r, dry }: { rows: { total: number; valid: number; invalid: number; created: number; updated: number; unchanged: number }; dry?: boolean }) {
  const { t } = useLang();
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
 * The preview, a page of rows at a time: each row's outcome; an error row's bad cells highlighted with
 * the reason on hover or keyboard focus; an update's changed cells before → after; a new record's cells.
 * Values as the API gives them: a masked one (need-to-know) shows as 已隐藏.
 */
function PreviewGrid({ job }: { job: string }) {
  const { t, lang } = useLang();
  const [outcome, setOutcome] = useState<ImportRowOutcome | 'ALL'>('ALL');
  const [page, setPage] = useState(1);
  const vars = useMemo(() => ({ job, outcomes: outcome === 'ALL' ? null : [outcome], offset: (page - 1) * PAGE, first: PAGE }), [job, outcome, page]);
  // Always read afresh: the same job previews again after a mapping was saved.
  const preview = useGql(ImportPreviewQuery, vars, { staleTime: 0, refetchOnMount: 'always' });
  const data = preview.data?.importPreview;
  const masked = <Typography.Text type="secondary" italic>{t('已隐藏', 'hidden')}</Typography.Text>;
  const blank = <Typography.Text type="secondary">{t('（空）', '(blank)')}</Typography.Text>;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Radio.Group aria-label={t('按结果筛选', 'Filter by outcome')} value={outcome} onChange={(e) => { setOutcome(e.target.value); setPage(1); }} optionType="button" size="small"
        options={[{ value: 'ALL', label: t('全部', 'All') }, ...OUTCOMES.map((o) => ({ value: o, label: lang === 'en' ? OUTCOME_LABEL[o][1] : OUTCOME_LABEL[o][0] }))]} />
      {preview.isError && <ErrorAlert error={preview.error} />}
      {data?.truncated && <Alert type="info" showIcon title={t('预览只保留前 100,000 行。', 'The preview keeps the first 100,000 rows.')} />}
      <Table size="small" bordered rowKey={(r) => `${r.sheet}#${r.row}`} loading={preview.isLoading} dataSource={data?.rows ?? []} data-testid="preview-grid"
        rowClassName={(r) => `preview-${r.outcome.toLowerCase()}`}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('工作表', 'Sheet'), width: 110, render: (_, r) => r.sheet },
          { title: t('行', 'Row'), width: 60, render: (_, r) => r.row },
          { title: t('结果', 'Outcome'), width: 80, render: (_, r) => <Tag color={OUTCOME_LABEL[r.outcome][2]}>{lang === 'en' ? OUTCOME_LABEL[r.outcome][1] : OUTCOME_LABEL[r.outcome][0]}</Tag> },
          { title: t('记录', 'Record'), width: 160, render: (_, r) => r.label ?? '' },
          {
            title: t('内容（错误单元格标红，悬停或聚焦看原因；更新显示 原值 → 新值）', 'Cells (red: wrong, hover or focus for the reason; updates: before → after)'),
            render: (_, r) => {
              if (r.outcome === 'ERROR') {
                return (
                  <Space wrap size={4}>
                    {r.errors.map((i) => {
                      const reason = `${i.cell ? `${i.cell}：` : ''}${i.message}（${i.code}）`;
                      return (
                        <Tooltip key={i.id} title={reason}>
                          <span tabIndex={0} className="issue-cell" aria-label={`${i.column ?? ''} ${i.value ?? ''} — ${reason}`}
                            style={{ display: 'inline-block', background: '#fff1f0', border: '1px solid #ffa39e', padding: '0 6px', borderRadius: 4, color: '#a8071a' }}>
                            {i.column ? <b>{i.column}：</b> : null}{i.value || t('（空）', '(blank)')}
                          </span>
                        </Tooltip>
                      );
                    })}
                  </Space>
                );
              }
              if (!r.changes.length) return <Typography.Text type="secondary">{r.outcome === 'UNCHANGED' ? t('与现有记录相同', 'same as on file') : ''}</Typography.Text>;
              return (
                <Space wrap size={[12, 2]}>
                  {r.changes.map((c, k) => (
                    <span key={k} className="change-cell">
                      <Typography.Text type="secondary" title={`${c.entity}.${c.field}`}>{importField(c.entity, c.field, lang)}：</Typography.Text>
                      {c.masked ? masked : r.outcome === 'UPDATED' ? (
                        <>
                          <Typography.Text delete type="secondary">{c.before ?? ''}</Typography.Text>{c.before === null ? blank : null}
                          {' → '}
                          <Typography.Text strong>{c.after ?? ''}</Typography.Text>{c.after === null ? blank : null}
                        </>
                      ) : (c.after ?? blank)}
                    </span>
                  ))}
                </Space>
              );
            },
          },
        ]} />
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
