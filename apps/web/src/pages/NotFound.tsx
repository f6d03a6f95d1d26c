import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="panel empty">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
