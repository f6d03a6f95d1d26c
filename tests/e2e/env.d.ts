declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    adminEmail: string;
    adminPassword: string;
  }
}
export {};
