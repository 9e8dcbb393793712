/** What the sidebar's paid panels share: the balance the site knows, and a way to lower it after a run. */
export interface CreditsProps {
  /** The account's credit balance as last known (null: unknown). */
  balance: number | null;
  /** A run finished and charged this much (null: the job did not say). */
  onCharged: (charged: number | null) => void;
}
