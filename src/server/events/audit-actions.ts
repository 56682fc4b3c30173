/**
 * Every action an audit entry records. Stored rows and the REST audit filter
 * (`GET /audit?action=`) carry these exact strings: add new ones, never rename one.
 * `recordAudit` takes only these, so a misspelt action fails typecheck.
 * No `server-only` marker: the audit log's filter in the UI may list them.
 */
export const AUDIT_ACTIONS = [
  // accounts and sessions
  "register",
  "login",
  "logout",
  "change_password",
  "reset_password",
  "create_initial_admin",
  // users and teams
  "create_user",
  "invite_user",
  "update_user",
  "change_role",
  "activate_user",
  "deactivate_user",
  "delete_user",
  "revoke_member",
  "set_user_permission",
  // groups and permissions
  "create_group",
  "update_group",
  "delete_group",
  "add_group_member",
  "remove_group_member",
  "set_permissions",
  // data sources
  "create_data_source",
  "update_data_source",
  "delete_data_source",
  "test_data_source",
  "sync_schema",
  "clear_cache",
  "export_audit",
  // queries
  "execute_query",
  "cancel_query",
  "export_query",
  "save_query",
  "update_saved_query",
  "delete_saved_query",
  "share_saved_query",
  "share_saved_query_groups",
  "move_saved_query",
  "create_saved_query_folder",
  "rename_saved_query_folder",
  "delete_saved_query_folder",
  "create_share_link",
  "revoke_share_link",
  "open_share_link",
  // approvals
  "request_approval",
  "approval_approve",
  "approval_reject",
  "approval_preview",
  "approval_commit",
  "approval_retry",
  "approval_rollback",
  "approval_revert",
  // data dictionary and natural-language questions
  "update_dictionary",
  "auto_guess_dictionary",
  "ask_question",
  "create_ai_provider",
  "delete_ai_provider",
  "test_ai_provider",
  // chat and token limits
  "set_token_limit",
  "delete_chat_session",
  "chat_question",
  // platform: templates, settings, two-factor sign-in, webhooks, schedules
  "create_template",
  "update_template",
  "delete_template",
  "clone_template",
  "update_settings",
  "update_org_settings",
  "mfa_enroll",
  "mfa_enable",
  "mfa_disable",
  "mfa_recovery_used",
  "create_webhook",
  "delete_webhook",
  "create_schedule",
  "update_schedule",
  "delete_schedule",
  // pipelines
  "create_pipeline",
  "update_pipeline",
  "delete_pipeline",
  "execute_pipeline",
  "cancel_pipeline",
  "request_pipeline_approval",
  "approve_pipeline",
  "reject_pipeline",
  "pause_pipeline",
  "pipeline_load",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
