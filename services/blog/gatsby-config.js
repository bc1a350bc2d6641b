// Gatsby's configuration. Posts are Markdown files in content/posts; no image plugins on purpose
// (gatsby-plugin-sharp downloads libvips at install time, and the site needs no image pipeline).
/** @type {import('gatsby').GatsbyConfig} */
module.exports = {
  siteMetadata: {
    title: 'Pipelines blog',
    description: 'Notes from splitting one overloaded server into four, and shipping by pushing.',
  },
  // Pages live at /path/ (a folder with index.html), which is how nginx serves them.
  trailingSlash: 'always',
  plugins: [
    {
      resolve: 'gatsby-source-filesystem',
      options: { name: 'posts', path: `${__dirname}/content/posts` },
    },
    'gatsby-transformer-remark',
  ],
};
