import * as React from 'react';
import type { HeadFC } from 'gatsby';
import { Layout } from '../components/layout';

export default function NotFoundPage() {
  return (
    <Layout>
      <h1>Page not found</h1>
      <p>Nothing lives at this address. The posts are listed on the front page.</p>
    </Layout>
  );
}

export const Head: HeadFC = () => <title>Not found · Pipelines blog</title>;
