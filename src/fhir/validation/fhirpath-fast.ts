import {
  AndAtom,
  AsAtom,
  IsAtom,
  ArithemticOperatorAtom,
  DotAtom,
  EmptySetAtom,
  EqualsAtom,
  FunctionAtom,
  ImpliesAtom,
  InAtom,
  IndexerAtom,
  LiteralAtom,
  NotEqualsAtom,
  OrAtom,
  SymbolAtom,
  UnionAtom,
  XorAtom,
  type FhirPathAtom,
} from '@medplum/core';
import { deepEqual } from './values';
import {
  type Collection,
  compileFunction,
  distinct,
  EMPTY,
  type Evaluator,
  type FastVariables,
  toBoolean,
  type Tri,
  Unsupported,
} from './fhirpath-functions';

export { type FastVariables, Unsupported } from './fhirpath-functions';

/**
 * A compiler from @medplum/core's parsed FHIRPath to plain closures over JSON, for the subset
 * R4 invariants mostly use (navigation, where/exists/all/empty/count/not, boolean logic,
 * equality, numeric comparison, a few string functions). Invariants run on every element; with
 * this, profiled Observations validate about twice as fast as through the general interpreter.
 * Anything outside the subset (types, dates, most arithmetic, descendants()) is not compiled, or
 * throws Unsupported at run time, and the caller evaluates the expression with @medplum/core.
 */

/** Compiles an expression to a closure, or returns undefined when it is outside the subset. */
export function compileFast(atom: FhirPathAtom, choiceNames: ReadonlySet<string>): ((value: unknown, vars: FastVariables) => Collection) | undefined {
  try {
    const evaluate = compileAtom(atom.child, choiceNames, true);
    return (value, vars) => evaluate([value], vars);
  } catch (err) {
    if (err instanceof Unsupported) {
      return undefined;
    }
    throw err;
  }
}

/** `atTop`: outside any function argument, where `$this` is the constraint's context value. */
function compileAtom(atom: unknown, choiceNames: ReadonlySet<string>, atTop: boolean): Evaluator {
  const compile = (a: unknown): Evaluator => compileAtom(a, choiceNames, atTop);
  if (atom instanceof DotAtom) {
    const choiceOfType = compileChoiceOfType(atom, compile, choiceNames);
    if (choiceOfType) {
      return choiceOfType;
    }
    const left = compile(atom.left);
    const right = compile(atom.right);
    return (input, vars) => right(left(input, vars), vars);
  }
  if (atom instanceof SymbolAtom) {
    return compileSymbol(atom.name, choiceNames);
  }
  if (atom instanceof LiteralAtom) {
    const { type, value } = atom.value;
    if (!['string', 'boolean', 'integer', 'decimal'].includes(type)) {
      throw new Unsupported(type);
    }
    const result = [value];
    return () => result;
  }
  if (atom instanceof EmptySetAtom) {
    return () => EMPTY;
  }
  if (atom instanceof FunctionAtom) {
    return compileFunction(atom.name, atom.args.map((a) => compileAtom(a, choiceNames, false)));
  }
  if (atom instanceof AsAtom || atom instanceof IsAtom) {
    return compileContextType(atom, atTop);
  }
  if (atom instanceof IndexerAtom) {
    const left = compile(atom.left);
    const index = compile(atom.expr);
    return (input, vars) => {
      const i = index(input, vars)[0];
      const items = left(input, vars);
      return typeof i === 'number' && i < items.length ? [items[i]] : EMPTY;
    };
  }
  return compileOperator(atom, compile);
}

/**
 * `value.ofType(Quantity)` on a choice element: in JSON the type is in the key (`valueQuantity`),
 * so it selects that one key. Profiles' value-range invariants are written this way; elsewhere
 * (`contained.ofType(Patient)`) the type of a JSON value is unknown here.
 */
function compileChoiceOfType(atom: DotAtom, compile: (a: unknown) => Evaluator, choiceNames: ReadonlySet<string>): Evaluator | undefined {
  const call = atom.right;
  if (!(call instanceof FunctionAtom) || call.name !== 'ofType' || call.args.length !== 1 || !(call.args[0] instanceof SymbolAtom)) {
    return undefined;
  }
  const choice = atom.left instanceof DotAtom ? atom.left.right : atom.left;
  if (!(choice instanceof SymbolAtom) || !choiceNames.has(choice.name)) {
    return undefined;
  }
  const type = call.args[0].name.replace(/^FHIR\./, '');
  if (type.includes('.')) {
    throw new Unsupported(type); // System.String and the like
  }
  const key = choice.name + type.charAt(0).toUpperCase() + type.slice(1);
  const parent = atom.left instanceof DotAtom ? compile(atom.left.left) : (input: Collection) => input;
  return (input, vars) => {
    const out: Collection = [];
    for (const item of parent(input, vars)) {
      if (typeof item === 'object' && item !== null) {
        pushChild(out, (item as Record<string, unknown>)[key]);
      }
    }
    return out;
  };
}

/**
 * `$this as dateTime`, `$this is Quantity` on the context value, whose type the caller knows;
 * anywhere else the type of a JSON value is unknown here.
 */
function compileContextType(atom: AsAtom | IsAtom, atTop: boolean): Evaluator {
  if (!atTop || !(atom.left instanceof SymbolAtom) || atom.left.name !== '$this' || !(atom.right instanceof SymbolAtom)) {
    throw new Unsupported(String(atom));
  }
  const type = atom.right.name.replace(/^FHIR\./, '');
  if (atom instanceof AsAtom) {
    return (input, vars) => (vars.contextType === type ? input : EMPTY);
  }
  return (input, vars) => (input.length === 0 ? EMPTY : [vars.contextType === type]);
}

function compileOperator(atom: unknown, compile: (a: unknown) => Evaluator): Evaluator {
  if (!(atom instanceof AndAtom || atom instanceof OrAtom || atom instanceof ImpliesAtom || atom instanceof XorAtom ||
    atom instanceof EqualsAtom || atom instanceof NotEqualsAtom || atom instanceof InAtom || atom instanceof UnionAtom ||
    atom instanceof ArithemticOperatorAtom)) {
    throw new Unsupported(String(atom));
  }
  const left = compile(atom.left);
  const right = compile(atom.right);
  if (atom instanceof AndAtom || atom instanceof OrAtom || atom instanceof ImpliesAtom || atom instanceof XorAtom) {
    const logic = LOGIC[atom.operator];
    return (input, vars) => toCollection(logic(toBoolean(left(input, vars)), () => toBoolean(right(input, vars))));
  }
  if (atom instanceof EqualsAtom || atom instanceof NotEqualsAtom) {
    const negate = atom instanceof NotEqualsAtom;
    return (input, vars) => {
      const a = left(input, vars);
      const b = right(input, vars);
      if (a.length === 0 || b.length === 0) {
        return EMPTY;
      }
      const equal = a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
      return [equal !== negate];
    };
  }
  if (atom instanceof InAtom) {
    return (input, vars) => {
      const a = left(input, vars);
      if (a.length === 0) {
        return EMPTY;
      }
      const b = right(input, vars);
      return [b.some((x) => deepEqual(x, a[0]))];
    };
  }
  if (atom instanceof UnionAtom) {
    return (input, vars) => distinct([...left(input, vars), ...right(input, vars)]);
  }
  return compileComparison(atom.operator, left, right);
}

function compileComparison(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  const compare = COMPARISONS[operator];
  if (!compare) {
    return compileArithmetic(operator, left, right);
  }
  return (input, vars) => {
    const a = left(input, vars);
    const b = right(input, vars);
    if (a.length === 0 || b.length === 0) {
      return EMPTY;
    }
    if (typeof a[0] !== 'number' || typeof b[0] !== 'number') {
      throw new Unsupported('comparison of non-numbers'); // dates, quantities: precision rules
    }
    return [compare(a[0], b[0])];
  };
}

/** `+` adds numbers and joins strings ('#' + id); other arithmetic is left to @medplum/core. */
function compileArithmetic(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  if (operator !== '+' && operator !== '-') {
    throw new Unsupported(operator);
  }
  return (input, vars) => {
    const a = left(input, vars);
    const b = right(input, vars);
    if (a.length !== 1 || b.length !== 1) {
      return EMPTY;
    }
    const [x, y] = [a[0], b[0]];
    if (typeof x === 'number' && typeof y === 'number') {
      return [operator === '+' ? x + y : x - y];
    }
    if (operator === '+' && typeof x === 'string' && typeof y === 'string') {
      return [x + y];
    }
    throw new Unsupported(`${typeof x} ${operator} ${typeof y}`);
  };
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** FHIRPath three-valued logic; the right side is evaluated only when it can change the result. */
const LOGIC: Record<string, (a: Tri, b: () => Tri) => Tri> = {
  and: (a, b) => (a === false ? false : and3(a, b())),
  or: (a, b) => (a === true ? true : or3(a, b())),
  xor: (a, b) => {
    const right = b();
    return a === undefined || right === undefined ? undefined : a !== right;
  },
  implies: (a, b) => (a === false ? true : implies3(a, b())),
};

function and3(a: Tri, b: Tri): Tri {
  return b === false ? false : a === undefined || b === undefined ? undefined : true;
}

function or3(a: Tri, b: Tri): Tri {
  return b === true ? true : a === undefined || b === undefined ? undefined : false;
}

function implies3(a: Tri, b: Tri): Tri {
  return b === true ? true : a === undefined ? undefined : b;
}

function compileSymbol(name: string, choiceNames: ReadonlySet<string>): Evaluator {
  switch (name) {
    case '$this':
      return (input) => input;
    case '%context':
      return (_input, vars) => [vars.context];
    case '%resource':
      return (_input, vars) => [vars.resource];
    case '%rootResource':
      return (_input, vars) => [vars.rootResource];
    case '%ucum':
      return () => ['http://unitsofmeasure.org'];
  }
  if (name.startsWith('%') || name.startsWith('$')) {
    throw new Unsupported(name);
  }
  const isChoice = choiceNames.has(name);
  const startsUpper = /^[A-Z]/.test(name);
  return (input) => {
    const out: Collection = [];
    for (const item of input) {
      if (typeof item !== 'object' || item === null) {
        continue;
      }
      const record = item as Record<string, unknown>;
      // A leading type name (`Observation.code`) selects the resource itself.
      if (startsUpper && record.resourceType === name) {
        out.push(item);
        continue;
      }
      pushChild(out, childValue(record, name, isChoice));
    }
    return out;
  };
}

function childValue(record: Record<string, unknown>, name: string, isChoice: boolean): unknown {
  const direct = record[name];
  if (direct !== undefined || !isChoice) {
    return direct;
  }
  for (const key in record) {
    if (key.length > name.length && key.startsWith(name) && /^[A-Z]/.test(key.charAt(name.length))) {
      return record[key];
    }
  }
  return undefined;
}

function pushChild(out: Collection, value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) {
      if (v !== null && v !== undefined) {
        out.push(v);
      }
    }
  } else if (value !== undefined && value !== null) {
    out.push(value);
  }
}

function toCollection(value: Tri): Collection {
  return value === undefined ? EMPTY : [value];
}

