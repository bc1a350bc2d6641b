import * as React from 'react';
import { graphql, type HeadProps, type PageProps } from 'gatsby';
import { Layout } from '../components/layout';

type Data = {
  markdownRemark: { html: string; frontmatter: { title: string; date: string } };
};

export default function PostTemplate({ data }: PageProps<Data>) {
  const post = data.markdownRemark;
  return (
    <Layout>
      <article>
        <h1>{post.frontmatter.title}</h1>
        <small>{post.frontmatter.date}</small>
        {/* The HTML comes from our own Markdown files in content/posts, rendered by remark. */}
        <div dangerouslySetInnerHTML={{ __html: post.html }} />
      </article>
    </Layout>
  );
}

export function Head({ data }: HeadProps<Data>) {
  return <title>{`${data.markdownRemark.frontmatter.title} · Pipelines blog`}</title>;
}

export const query = graphql`
  query ($slug: String!) {
    markdownRemark(frontmatter: { slug: { eq: $slug } }) {
      html
      frontmatter {
        title
        date(formatString: "D MMMM YYYY")
      }
    }
  }
`;
