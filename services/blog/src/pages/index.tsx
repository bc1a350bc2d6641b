import * as React from 'react';
import { graphql, Link, type HeadFC, type PageProps } from 'gatsby';
import { Layout } from '../components/layout';

interface Post {
  excerpt: string;
  frontmatter: { title: string; date: string; slug: string };
}

type Data = { allMarkdownRemark: { nodes: Post[] } };

export default function IndexPage({ data }: PageProps<Data>) {
  const posts = data.allMarkdownRemark.nodes;
  return (
    <Layout>
      <h1>Pipelines blog</h1>
      <p>
        How one overloaded on-prem server became four, behind a reverse proxy, shipped by a pipeline
        where production waits for a reviewer.
      </p>
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {posts.map((post) => (
          <li key={post.frontmatter.slug} style={{ marginBottom: '1.5rem' }}>
            <h2 style={{ marginBottom: 0 }}>
              <Link to={`/posts/${post.frontmatter.slug}/`}>{post.frontmatter.title}</Link>
            </h2>
            <small>{post.frontmatter.date}</small>
            <p>{post.excerpt}</p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export const Head: HeadFC = () => (
  <>
    <title>Pipelines blog</title>
    <meta name="description" content="Notes from splitting one server into four." />
  </>
);

export const query = graphql`
  {
    allMarkdownRemark(sort: { frontmatter: { date: DESC } }) {
      nodes {
        excerpt(pruneLength: 160)
        frontmatter {
          title
          date(formatString: "D MMMM YYYY")
          slug
        }
      }
    }
  }
`;
