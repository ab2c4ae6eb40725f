import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { applyTheme, readTheme } from './app/theme.ts';
import { I18nProvider } from './i18n/i18n.tsx';
import './app/styles.css';

applyTheme(readTheme());

const queryClient = new QueryClient({
  defaultOptions: {
    // Realtime events keep lists fresh; refetching on every focus would only add load.
    queries: { refetchOnWindowFocus: false, retry: 1, staleTime: 30_000 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
