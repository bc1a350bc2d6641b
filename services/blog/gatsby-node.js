// One page per Markdown post, at /posts/<slug>/ (slug from the front matter). Pages find their
// post by slug, not by node id: gatsby-source-filesystem derives ids from the absolute path, which
// would make the built site (and the image's digest) depend on where the checkout is.
const path = require('node:path');

exports.createPages = async ({ graphql, actions, reporter }) => {
  const result = await graphql(`
    {
      allMarkdownRemark {
        nodes {
          frontmatter {
            slug
          }
        }
      }
    }
  `);
  if (result.errors) {
    reporter.panicOnBuild('Could not query the posts', result.errors);
    return;
  }
  for (const node of result.data.allMarkdownRemark.nodes) {
    actions.createPage({
      path: `/posts/${node.frontmatter.slug}/`,
      component: path.resolve(__dirname, 'src/templates/post.tsx'),
      context: { slug: node.frontmatter.slug },
    });
  }
};
