import type { ReactNode } from 'react';
import { useEffect } from 'react';

/** A screen: its title (also the document title), an optional line under it, actions on the right, then content. */
export function Page({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · IGNY8`;
  }, [title]);
  return (
    <section className="igny8-page" aria-labelledby="igny8-page-title">
      <header className="igny8-page__header">
        <div>
          <h1 id="igny8-page-title">{title}</h1>
          {description ? <p className="igny8-page__description">{description}</p> : null}
        </div>
        {actions ? <div className="igny8-page__actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
