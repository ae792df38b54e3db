export type BadgeTone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';
