/** Who is calling, resolved afresh from the read model on every request. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly isAdmin: boolean;
  readonly isAuditor: boolean;
  readonly authMethod: 'session' | 'token';
  /** Set when authenticated by a personal access token. */
  readonly tokenId: string | null;
  /** The token's effective expiry, when authenticated by a token. */
  readonly tokenExpiresAt: string | null;
  /** Set when authenticated by a session. */
  readonly sessionId: string | null;
  /**
   * Sessions only: when the session last proved the password (sign-in or confirm); null when
   * never. Absent for tokens, which can never prove one.
   */
  readonly passwordProvenAt?: string | null;
  /**
   * The user still has a one-time password: every route but the few that let them replace it
   * answers 403 `password_change_required`. Absent means false.
   */
  readonly passwordChangeRequired?: boolean;
}
