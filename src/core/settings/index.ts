export * from './features';
export * from './model';
export * from './service';
export * from './connection-test';
export * from './views';
