import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes every Jobdeck workflow carries, so that the Temporal UI and
// `temporal workflow list --query "JobType='report.generate' AND JobState='active'"` show
// what the dashboard shows. They must be registered on the namespace (see SEARCH_ATTRIBUTES).
export const JobTypeKey = defineSearchAttributeKey('JobType', SearchAttributeType.KEYWORD);
export const JobStateKey = defineSearchAttributeKey('JobState', SearchAttributeType.KEYWORD);
export const JobPriorityKey = defineSearchAttributeKey('JobPriority', SearchAttributeType.INT);
export const RequestedByKey = defineSearchAttributeKey('RequestedBy', SearchAttributeType.KEYWORD);

/** Name → type, in the spelling `temporal server start-dev --search-attribute Name=Type` expects. */
export const SEARCH_ATTRIBUTES = {
  JobType: 'Keyword',
  JobState: 'Keyword',
  JobPriority: 'Int',
  RequestedBy: 'Keyword',
} as const;
