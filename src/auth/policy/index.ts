export { anonymousAdmin, createAccessControl, type AccessControlOptions } from './access-control';
export { DEIDENTIFICATION_MASK, createDeidentificationMask, isDeidentified, registerDeidentification } from './deidentification';
export { BUILT_IN_OPERATIONS, type OperationRule } from './operations';
export { clientSource } from './own-source';
export { AUDIT_TYPE, CONFORMANCE_TYPES, ROLE_NAMES, rolePolicy, type RolePolicy } from './roles';
