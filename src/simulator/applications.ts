/**
 * Applications users sign in to, with how popular each is across the company.
 * Sensitive applications are used by a few people only; account takeover
 * scenarios reach for the ones their victim has never opened.
 */

export interface Application {
  name: string;
  popularity: number;
}

export const SENSITIVE_APPLICATIONS: readonly string[] = [
  'admin-console',
  'payroll',
  'file-share',
  'hr-records',
  'billing-admin',
];

export const APPLICATIONS: readonly Application[] = [
  { name: 'outlook', popularity: 30 },
  { name: 'teams', popularity: 25 },
  { name: 'sharepoint', popularity: 14 },
  { name: 'jira', popularity: 12 },
  { name: 'confluence', popularity: 10 },
  { name: 'github', popularity: 9 },
  { name: 'slack', popularity: 9 },
  { name: 'zoom', popularity: 7 },
  { name: 'workday', popularity: 6 },
  { name: 'salesforce', popularity: 6 },
  { name: 'servicenow', popularity: 5 },
  { name: 'google-drive', popularity: 5 },
  { name: 'figma', popularity: 3 },
  { name: 'notion', popularity: 3 },
  { name: 'datadog', popularity: 3 },
  { name: 'grafana', popularity: 3 },
  { name: 'aws-console', popularity: 3 },
  { name: 'zendesk', popularity: 2 },
  { name: 'hubspot', popularity: 2 },
  { name: 'expensify', popularity: 2 },
  ...SENSITIVE_APPLICATIONS.map((name) => ({ name, popularity: 0.4 })),
];
