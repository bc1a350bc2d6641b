import * as React from 'react';
import type { HeadFC } from 'gatsby';
import { Layout } from '../components/layout';

export default function AboutPage() {
  return (
    <Layout>
      <h1>About</h1>
      <p>
        This site is a static Gatsby build. The pipeline builds it on every push, packs it into an
        nginx image, and pushes that image to the registry by digest; the blog server runs it on
        port 3000, and the reverse proxy answers for it as <code>blog.</code> the project domain.
      </p>
    </Layout>
  );
}

export const Head: HeadFC = () => <title>About · Pipelines blog</title>;
