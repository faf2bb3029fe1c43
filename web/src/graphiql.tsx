/**
 * Self-hosted GraphiQL at /graphiql for BI analysts: the schema docs and a query editor, bundled with
 * the console (no CDN). The credential goes in the headers editor (`Authorization: Bearer <API key>`);
 * when the browser is signed in to the console, its credential is filled in.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { getSession } from './api/session';

const session = getSession();
// Signed in to the console: its credential is the default (the schema docs load at once); the Headers
// tab can override it, e.g. with an API key.
const fetcher = createGraphiQLFetcher({ url: '/graphql', headers: session ? { authorization: `Bearer ${session.credential}` } : undefined });
const headers = JSON.stringify({ authorization: `Bearer ${session?.credential ?? '<API 密钥 / API key>'}` }, null, 2);

const defaultQuery = `# KAM Hub GraphQL API — 只读查询示例 / a read-only example.
# 在下方“Headers”中填写 API 密钥（kam apikey create --role ANALYST）。
# Put your API key in the Headers tab below. Docs: the book icon on the left.
{
  accounts(first: 10, filter: { tierCodes: ["STRATEGIC"] }) {
    totalCount
    nodes { code name tier { name } manager { name } annualSales }
    pageInfo { endCursor hasNextPage }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} headers={headers} defaultHeaders={headers} defaultEditorToolsVisibility="headers" isHeadersEditorEnabled shouldPersistHeaders={false} />
  </StrictMode>,
);
