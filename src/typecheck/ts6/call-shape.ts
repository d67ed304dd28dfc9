import { ts, type Project } from "ts-morph";
import type { CallShape } from "../call-shape.js";

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

function isThisParameter(parameter: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(parameter.name) && parameter.name.text === "this";
}
