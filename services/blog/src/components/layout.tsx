import * as React from 'react';
import { Link } from 'gatsby';

const page: React.CSSProperties = {
  maxWidth: '42rem',
  margin: '0 auto',
  padding: '2rem 1rem',
  fontFamily: 'system-ui, sans-serif',
  lineHeight: 1.6,
  color: '#1d2733',
};

/** The frame every page shares: the site title (a link home) and the page's content. */
export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <main style={page}>
      <header>
        <Link to="/" style={{ color: '#0b5cad', textDecoration: 'none' }}>
          <strong>Pipelines blog</strong>
        </Link>
      </header>
      {children}
      <footer style={{ marginTop: '3rem', fontSize: '0.85rem', color: '#5b6776' }}>
        Served by nginx behind the Pipelines reverse proxy. <Link to="/about/">About</Link>
      </footer>
    </main>
  );
}
