/** Says plainly, once per run, whether the MySQL suite runs. */
export default function globalSetup(): void {
  const url = process.env.KAM_TEST_MYSQL_URL;
  if (url) {
    process.stdout.write(`\n[kam] MySQL suite: ON (${url.replace(/\/\/([^:@]+):[^@]*@/, '//$1:***@')}); every test file uses its own database\n`);
  } else {
    process.stdout.write('\n[kam] MySQL suite: SKIPPED — KAM_TEST_MYSQL_URL is not set (e.g. KAM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306). Only SQLite was tested.\n');
  }
}
