// One page per Markdown post, at /posts/<slug>/ (slug from the front matter).
const path = require('node:path');

exports.createPages = async ({ graphql, actions, reporter }) => {
  const result = await graphql(`
    {
      allMarkdownRemark {
        nodes {
          id
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
      context: { id: node.id },
    });
  }
};
