/**
 * The deploy smoke tests read YAML and zips with packages a plugin needs only in its tests, so core
 * lists them as optional peers and loads them on first use: a plugin that runs only the conformance
 * suite does not have to install them, and one that calls the smoke tests without them learns which
 * to add instead of seeing a bare module-not-found.
 */

/** A `catch` handler for `import(name)` that names the package, who needs it and where to add it. */
export function missingPackage(name: string, neededBy: string): (error: unknown) => never {
  return (error) => {
    throw new Error(
      `${neededBy} needs the npm package ${name}: add it to the devDependencies of the package under test`,
      { cause: error },
    );
  };
}
