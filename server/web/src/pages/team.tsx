import '@wordpress/dataviews/build-style/style.css';
import type { TCreateInvitationBody, TInvitation, TMember, TRole } from '@igny8/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Notice, SelectControl, TextControl } from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useMemo, useState, type FormEvent } from 'react';
import { del, get, patch, post } from '../api/client';
import { ConfirmBody } from '../components/confirm';
import { ClientTable } from '../components/client-table';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, ErrorState, FormError, Loading, NotPermitted } from '../components/states';
import { formatDateTime } from '../lib/format';
import { roleLabel, ROLES } from '../lib/roles';
import { useSession } from '../session';

const roleElements = ROLES.map(({ value, label }) => ({ value, label }));
const INVITABLE = ROLES.filter((r) => r.value !== 'owner');

const memberFields: Array<Field<TMember>> = [
  { id: 'name', label: __('Name', 'igny8'), enableGlobalSearch: true, enableHiding: false },
  { id: 'email', label: __('Email', 'igny8'), enableGlobalSearch: true },
  {
    id: 'role',
    label: __('Role', 'igny8'),
    elements: roleElements,
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => roleLabel(item.role),
  },
  {
    id: 'createdAt',
    label: __('Member since', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';
const invitationStatus = (i: TInvitation, now = Date.now()): InvitationStatus =>
  i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : new Date(i.expiresAt).getTime() <= now ? 'expired' : 'pending';
const STATUSES = [
  { value: 'pending', label: __('Waiting for an answer', 'igny8') },
  { value: 'accepted', label: __('Accepted', 'igny8') },
  { value: 'revoked', label: __('Revoked', 'igny8') },
  { value: 'expired', label: __('Expired', 'igny8') },
];

const invitationFields: Array<Field<TInvitation>> = [
  { id: 'email', label: __('Email', 'igny8'), enableGlobalSearch: true, enableHiding: false },
  { id: 'role', label: __('Role', 'igny8'), elements: roleElements, render: ({ item }) => roleLabel(item.role) },
  {
    id: 'status',
    label: __('Status', 'igny8'),
    getValue: ({ item }) => invitationStatus(item),
    elements: STATUSES,
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => STATUSES.find((s) => s.value === invitationStatus(item))?.label,
  },
  {
    id: 'createdAt',
    label: __('Sent', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
  {
    id: 'expiresAt',
    label: __('Link valid until', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.expiresAt),
  },
];

function ChangeRole({ member, closeModal }: { member: TMember; closeModal?: (() => void) | undefined }) {
  const queryClient = useQueryClient();
  const { session } = useSession();
  const [role, setRole] = useState<TRole>(member.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const choices = session?.role === 'owner' ? ROLES : INVITABLE;
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await patch(`/members/${member.userId}`, { role });
      await queryClient.invalidateQueries({ queryKey: ['members'] });
      closeModal?.();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }
  return (
    <form className="igny8-form" onSubmit={submit}>
      <FormError error={error} />
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={sprintf(__('Role of %s', 'igny8'), member.name)}
        value={role}
        options={choices.map((r) => ({ value: r.value, label: `${r.label}: ${r.description}` }))}
        onChange={(value: string) => setRole(value as TRole)}
      />
      <div className="igny8-button-row">
        <Button variant="tertiary" onClick={closeModal} __next40pxDefaultSize>
          {__('Cancel', 'igny8')}
        </Button>
        <Button variant="primary" type="submit" isBusy={busy} disabled={busy} __next40pxDefaultSize>
          {__('Save role', 'igny8')}
        </Button>
      </div>
    </form>
  );
}

function InviteForm({ allowed }: { allowed: boolean }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TCreateInvitationBody['role']>('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSent(null);
    try {
      await post('/invitations', { email, role });
      setSent(email);
      setEmail('');
      await queryClient.invalidateQueries({ queryKey: ['invitations'] });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="igny8-panel igny8-form" onSubmit={submit} aria-labelledby="igny8-invite-title">
      <h2 id="igny8-invite-title">{__('Invite someone', 'igny8')}</h2>
      {!allowed ? (
        <NotPermitted
          message={__('Only owners and admins can invite people. Ask one of them to send the invitation.', 'igny8')}
        />
      ) : null}
      <FormError error={error} />
      {sent ? (
        <Notice status="success" isDismissible={false}>
          {sprintf(__('An invitation is on its way to %s. The link works for a limited time.', 'igny8'), sent)}
        </Notice>
      ) : null}
      <div className="igny8-inline-form">
        <TextControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Email', 'igny8')}
          type="email"
          value={email}
          onChange={setEmail}
          disabled={!allowed}
          required
        />
        <SelectControl
          __next40pxDefaultSize
          __nextHasNoMarginBottom
          label={__('Role', 'igny8')}
          value={role}
          options={INVITABLE.map((r) => ({ value: r.value, label: `${r.label}: ${r.description}` }))}
          onChange={(value: string) => setRole(value as TCreateInvitationBody['role'])}
          disabled={!allowed}
        />
        <Button
          variant="primary"
          type="submit"
          isBusy={busy}
          disabled={!allowed || busy || !email}
          accessibleWhenDisabled
          __next40pxDefaultSize
        >
          {__('Send invitation', 'igny8')}
        </Button>
      </div>
    </form>
  );
}

function Invitations() {
  const queryClient = useQueryClient();
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: () => get<TInvitation[]>('/invitations') });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [{ field: 'status', operator: 'isAny', value: ['pending', 'expired'] }],
    sort: { field: 'createdAt', direction: 'desc' },
    titleField: 'email',
    fields: ['role', 'status', 'createdAt', 'expiresAt'],
    layout: {},
  } satisfies View;
  const actions = useMemo<Array<Action<TInvitation>>>(() => {
    const refresh = () => queryClient.invalidateQueries({ queryKey: ['invitations'] });
    return [
      {
        id: 'resend',
        label: __('Send again', 'igny8'),
        isPrimary: true,
        isEligible: (item) => ['pending', 'expired'].includes(invitationStatus(item)),
        modalHeader: __('Send the invitation again?', 'igny8'),
        RenderModal: ({ items, closeModal }) => (
          <ConfirmBody
            confirmLabel={__('Send a new link', 'igny8')}
            destructive={false}
            closeModal={closeModal}
            onConfirm={async () => {
              const [invitation] = items;
              if (!invitation) return;
              await post(`/invitations/${invitation.id}/resend`);
              await refresh();
            }}
          >
            {sprintf(__('%s gets a new link by email; the old link stops working.', 'igny8'), items[0]?.email ?? '')}
          </ConfirmBody>
        ),
      },
      {
        id: 'revoke',
        label: __('Revoke', 'igny8'),
        isPrimary: true,
        isDestructive: true,
        supportsBulk: true,
        isEligible: (item) => invitationStatus(item) === 'pending',
        modalHeader: __('Revoke the invitation?', 'igny8'),
        RenderModal: ({ items, closeModal }) => (
          <ConfirmBody
            confirmLabel={__('Revoke', 'igny8')}
            closeModal={closeModal}
            onConfirm={async () => {
              for (const invitation of items) await del(`/invitations/${invitation.id}`);
              await refresh();
            }}
          >
            {sprintf(
              __('The link sent to %s stops working. You can invite them again later.', 'igny8'),
              items.map((i) => i.email).join(', '),
            )}
          </ConfirmBody>
        ),
      },
    ];
  }, [queryClient]);

  return (
    <section className="igny8-section" aria-labelledby="igny8-invitations-title">
      <h2 id="igny8-invitations-title">{__('Invitations', 'igny8')}</h2>
      <ListStates
        query={invitations}
        isEmpty={invitations.data?.length === 0}
        empty={
          <Empty title={__('No invitations yet', 'igny8')}>
            {__('Invite someone with the form above: they get a link by email.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={invitations.data ?? []}
          fields={invitationFields}
          initialView={initialView}
          actions={actions}
        />
      </ListStates>
    </section>
  );
}

/** Members and their roles, removal, and invitations (sent by email; the invitee accepts in the app). */
export default function Team() {
  const { session, can } = useSession();
  const queryClient = useQueryClient();
  const isAdmin = can('admin');
  const members = useQuery({ queryKey: ['members'], queryFn: () => get<TMember[]>('/members') });
  const initialView: View = {
    type: 'table',
    perPage: 25,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'name', direction: 'asc' },
    titleField: 'name',
    fields: ['email', 'role', 'createdAt'],
    layout: {},
  } satisfies View;

  const actions = useMemo<Array<Action<TMember>>>(
    () =>
      isAdmin
        ? [
            {
              id: 'change-role',
              label: __('Change role', 'igny8'),
              isPrimary: true,
              modalHeader: __('Change role', 'igny8'),
              RenderModal: ({ items, closeModal }) =>
                items[0] ? <ChangeRole member={items[0]} closeModal={closeModal} /> : <></>,
            },
            {
              id: 'remove',
              label: __('Remove', 'igny8'),
              isPrimary: true,
              isDestructive: true,
              isEligible: (item) => item.userId !== session?.user.id,
              modalHeader: __('Remove this member?', 'igny8'),
              RenderModal: ({ items, closeModal }) => (
                <ConfirmBody
                  confirmLabel={__('Remove', 'igny8')}
                  closeModal={closeModal}
                  onConfirm={async () => {
                    for (const member of items) await del(`/members/${member.userId}`);
                    await queryClient.invalidateQueries({ queryKey: ['members'] });
                  }}
                >
                  {sprintf(
                    __(
                      '%s loses access to this account at once: their sign-ins and API keys for it stop working.',
                      'igny8',
                    ),
                    items.map((m) => m.name).join(', '),
                  )}
                </ConfirmBody>
              ),
            },
          ]
        : [],
    [isAdmin, session?.user.id, queryClient],
  );

  return (
    <Page
      title={__('Team', 'igny8')}
      description={__('Who can work in this account, and what each person may do.', 'igny8')}
    >
      {!isAdmin ? (
        <Notice status="info" isDismissible={false}>
          {sprintf(
            __(
              'You are %s in this account: only owners and admins can invite, change roles or remove members.',
              'igny8',
            ),
            session ? roleLabel(session.role).toLowerCase() : '',
          )}
        </Notice>
      ) : null}
      <InviteForm allowed={isAdmin} />
      <section aria-labelledby="igny8-members-title">
        <h2 id="igny8-members-title">{__('Members', 'igny8')}</h2>
        {members.isPending ? (
          <Loading />
        ) : members.isError ? (
          <ErrorState error={members.error} retry={() => void members.refetch()} />
        ) : (
          <ClientTable
            rows={members.data ?? []}
            fields={memberFields}
            initialView={initialView}
            actions={actions}
            getItemId={(item) => item.userId}
          />
        )}
      </section>
      {isAdmin ? <Invitations /> : null}
    </Page>
  );
}
