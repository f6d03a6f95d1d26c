import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';

/** A search box in the header, on every page: Enter opens the Search page with the text (`/search?q=…`). */
export function HeaderSearch() {
  const navigate = useNavigate();
  const location = useLocation();
  const [text, setText] = useState('');
  // The Search page has its own box.
  if (location.pathname === '/search') return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    void navigate(q ? `/search?${new URLSearchParams({ q })}` : '/search');
    setText('');
  };
  return (
    <form className="header-search" role="search" onSubmit={submit} data-testid="header-search">
      <label>
        <span className="visually-hidden">Search jobs</span>
        <input
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="Search jobs…"
          autoComplete="off"
          data-testid="header-search-input"
        />
      </label>
    </form>
  );
}
