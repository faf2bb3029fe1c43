/**
 * The monthly report as PDF: the workbook converted by LibreOffice (`soffice --headless --convert-to
 * pdf`), so the PDF prints exactly what the workbook's print setup says. LibreOffice is optional: where
 * it is missing, {@link findSoffice} says what to install (HTTP 501, CLI exit 2).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError, ErrorCode } from '../../common/errors';

/** Seconds a conversion may take before soffice is stopped. */
export const PDF_TIME_LIMIT_SECONDS = 180;

const INSTALL_HINT = 'install LibreOffice Calc and a CJK font on the server (Debian/Ubuntu: apt-get install libreoffice-calc-nogui fonts-noto-cjk; or set KAM_SOFFICE to soffice\'s path)';

/** `soffice` from KAM_SOFFICE, else from PATH; PDF_UNAVAILABLE naming what to install when there is none. */
export function findSoffice(configured?: string, pathVar: string = process.env.PATH ?? ''): string {
  const executable = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (configured) {
    if (executable(configured)) return configured;
    throw new DomainError(ErrorCode.PDF_UNAVAILABLE, `PDF needs LibreOffice: KAM_SOFFICE=${configured} is not an executable; ${INSTALL_HINT}`);
  }
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    for (const name of ['soffice', 'libreoffice']) {
      const p = path.join(dir, name);
      if (executable(p)) return p;
    }
  }
  throw new DomainError(ErrorCode.PDF_UNAVAILABLE, `PDF needs LibreOffice, which is not installed on this server: ${INSTALL_HINT}`);
}

// One conversion at a time per process: a LibreOffice profile cannot be shared by two running instances,
// and a second soffice would only wait for the first on a 2-core server anyway.
let queue: Promise<unknown> = Promise.resolve();

/** Converts `xlsx` into a PDF in `outDir`; resolves with the PDF's path. */
export function convertToPdf(soffice: string, xlsx: string, outDir: string): Promise<string> {
  const run = () => convertNow(soffice, xlsx, outDir);
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function convertNow(soffice: string, xlsx: string, outDir: string): Promise<string> {
  const profile = path.join(os.tmpdir(), `kam-soffice-profile-${process.pid}`);
  const args = ['--headless', '--norestore', '--nolockcheck', '--nodefault', `-env:UserInstallation=file://${profile}`, '--convert-to', 'pdf:calc_pdf_Export', '--outdir', outDir, xlsx];
  return new Promise((resolve, reject) => {
    const child = spawn(soffice, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: process.env.HOME ?? os.tmpdir() } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PDF_TIME_LIMIT_SECONDS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new DomainError(ErrorCode.PDF_UNAVAILABLE, `PDF needs LibreOffice, which could not be started (${e.message}): ${INSTALL_HINT}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const pdf = path.join(outDir, `${path.basename(xlsx, path.extname(xlsx))}.pdf`);
      if (code === 0 && fs.existsSync(pdf)) resolve(pdf);
      else reject(new Error(`LibreOffice did not convert the report (exit ${code ?? signal}): ${output.trim().slice(0, 500)}`));
    });
  });
}
