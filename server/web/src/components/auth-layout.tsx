import { Card, CardBody } from '@wordpress/components';
import type { ReactNode } from 'react';
import { useEffect } from 'react';

/** The centred card of the pages a visitor sees before signing in. */
export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · IGNY8`;
  }, [title]);
  return (
    <main className="igny8-auth" id="igny8-main">
      <p className="igny8-auth__brand">IGNY8</p>
      <Card className="igny8-auth__card">
        <CardBody>
          <h1>{title}</h1>
          {children}
        </CardBody>
      </Card>
      {footer ? <div className="igny8-auth__footer">{footer}</div> : null}
    </main>
  );
}
