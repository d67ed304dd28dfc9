import { ts, type Project } from "ts-morph";

/**
 * How a method can be called, read from its declared call signatures before the
 * probe file is written: the probe asks TypeScript about a generic or overloaded
 * method through a call, so that TypeScript's own call resolution infers its type
 * arguments and picks its overload, and it must know how many arguments that call passes.
 */
export interface CallShape {
  /** More than one call signature: the call picks one. */
  readonly overloaded: boolean;
  /** A signature with type parameters: the call infers them. */
  readonly generic: boolean;
  /**
   * How many arguments the runtime's call `fn(input, context)` passes that a signature
   * declares a parameter for: 0, 1 or 2 (a rest parameter counts as 2).
   */
  readonly arity: 0 | 1 | 2;
  /** The declared type of a `this` parameter, printed, when a signature requires one. */
  readonly thisType: string | undefined;
}

/**
 * The call shape of the export `exportName` of the module file `modulePath`, or
 * `undefined` when TypeScript cannot read it (the probe file then says why).
 */
export function readCallShape(project: Project, modulePath: string, exportName: string): CallShape | undefined {
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(modulePath);
  if (file === undefined) return undefined;
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return undefined;
  // One export by name: listing them all for each method would be quadratic in a module's exports.
  const exported = checker.tryGetMemberInModuleExports(exportName, moduleSymbol);
  if (exported === undefined) return undefined;
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  if ((target.flags & ts.SymbolFlags.Value) === 0) return undefined;
  const signatures = checker.getTypeOfSymbolAtLocation(target, file).getCallSignatures();
  if (signatures.length === 0) return undefined;

  let arity: 0 | 1 | 2 = 0;
  let thisType: string | undefined;
  for (const signature of signatures) {
    const declaration = signature.getDeclaration() as ts.SignatureDeclaration | undefined;
    const parameters = declaration?.parameters.filter((parameter) => !isThisParameter(parameter)) ?? [];
    const rest = parameters.some((parameter) => parameter.dotDotDotToken !== undefined);
    const count = rest ? 2 : Math.min(2, signature.getParameters().length);
    if (count > arity) arity = count as 0 | 1 | 2;
    const self = signature.thisParameter;
    if (thisType === undefined && self !== undefined) {
      const type = checker.getTypeOfSymbol(self);
      // `this: void` (and an untyped `this`) says the function needs no receiver.
      if ((type.flags & (ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) === 0) {
        thisType = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
      }
    }
  }
  return {
    overloaded: signatures.length > 1,
    generic: signatures.some((signature) => (signature.getTypeParameters()?.length ?? 0) > 0),
    arity,
    thisType,
  };
}

/** Whether TypeScript must resolve a call to know what the method returns for what it receives. */
export function resolvedByCall(shape: CallShape | undefined): boolean {
  return shape !== undefined && (shape.overloaded || shape.generic);
}

function isThisParameter(parameter: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(parameter.name) && parameter.name.text === "this";
}
