import type { PartialHandlers } from '../app/handlers.js';
import type { MeteringAdmission } from './admission.js';

export function limitsHandlers(admission: MeteringAdmission): PartialHandlers<'limits.get' | 'limits.set'> {
  return {
    'limits.get': (request) => ({ limits: admission.getLimits(), states: admission.states(request.sessionId) }),
    'limits.set': (request) => {
      const limits = admission.setLimits(request);
      return { limits, states: admission.states() };
    },
  };
}
