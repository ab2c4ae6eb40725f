import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';

/** How often the page refreshes (the queues move fast; a few seconds is what Sidekiq's and Flower's pages poll at). */
export const REFRESH_MS = 5_000;

export interface TaskCounts {
  task: string;
  waiting: number;
  scheduled: number;
  running: number;
  retrying: number;
  failed: number;
}

export interface Job {
  id: string;
  task: string;
  queue: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
  permanent: boolean;
  locked: boolean;
}

export interface JobsOverview {
  tasks: TaskCounts[];
  totals: Omit<TaskCounts, 'task'>;
  failed: Job[];
}

export interface SystemStatus {
  version: string;
  node: string;
  uptimeSeconds: number;
  startedAt: string;
  databaseSizeBytes: number;
  workers: Array<{
    id: string;
    hostname: string;
    pid: number;
    workerIds: string[];
    startedAt: string;
    heartbeatAt: string;
    alive: boolean;
  }>;
  scheduled: Array<{
    identifier: string;
    task: string;
    lastRunAt: string | null;
    nextRunAt: string | null;
    followingRunAt: string | null;
  }>;
}

/** Queue counts and failed jobs, refreshed every few seconds. */
export function useSystemJobs() {
  return useQuery({
    queryKey: ['system', 'jobs'],
    queryFn: () => api<JobsOverview>('/api/v1/system/jobs'),
    refetchInterval: REFRESH_MS,
  });
}

/** Version, uptime, database size, workers, recurring jobs; refreshed every few seconds. */
export function useSystemStatus() {
  return useQuery({
    queryKey: ['system', 'status'],
    queryFn: () => api<SystemStatus>('/api/v1/system/status'),
    refetchInterval: REFRESH_MS,
  });
}

/** Runs a job again now; the lists refresh at once. */
export function useRetryJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Job>(`/api/v1/system/jobs/${id}/retry`, { method: 'POST' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['system'] }),
  });
}
