/**
 * The disk as TypeScript 6 reads it, with some files replaced by texts held in memory: an
 * editor's unsaved buffers (see `WarmTypeScriptServices.overlay`). Every project of the
 * services reads through one of these, so a buffer is seen by the projects that already hold
 * the file (once they re-read it) and by those that read it later.
 */
import { Project, type FileSystemHost, type RuntimeDirEntry } from "ts-morph";

/** The files read from memory instead of the disk, by absolute path. */
export type Overlays = ReadonlyMap<string, string>;

/** ts-morph's own file system on the disk (it does not export the class that is it). */
let diskHost: FileSystemHost | undefined;

function disk(): FileSystemHost {
  diskHost ??= new Project({ compilerOptions: {} }).getFileSystem();
  return diskHost;
}

/** A file system that reads the files of `overlays` from memory and everything else from the disk. */
export function overlayFileSystem(overlays: Overlays): FileSystemHost {
  const base = disk();
  return {
    isCaseSensitive: () => base.isCaseSensitive(),
    delete: (path) => base.delete(path),
    deleteSync: (path) => base.deleteSync(path),
    readDirSync: (dirPath): RuntimeDirEntry[] => base.readDirSync(dirPath),
    readFile: async (filePath, encoding) => overlays.get(filePath) ?? base.readFile(filePath, encoding),
    readFileSync: (filePath, encoding) => overlays.get(filePath) ?? base.readFileSync(filePath, encoding),
    writeFile: (filePath, fileText) => base.writeFile(filePath, fileText),
    writeFileSync: (filePath, fileText) => base.writeFileSync(filePath, fileText),
    mkdir: (dirPath) => base.mkdir(dirPath),
    mkdirSync: (dirPath) => base.mkdirSync(dirPath),
    move: (srcPath, destPath) => base.move(srcPath, destPath),
    moveSync: (srcPath, destPath) => base.moveSync(srcPath, destPath),
    copy: (srcPath, destPath) => base.copy(srcPath, destPath),
    copySync: (srcPath, destPath) => base.copySync(srcPath, destPath),
    fileExists: async (filePath) => overlays.has(filePath) || base.fileExists(filePath),
    fileExistsSync: (filePath) => overlays.has(filePath) || base.fileExistsSync(filePath),
    directoryExists: (dirPath) => base.directoryExists(dirPath),
    directoryExistsSync: (dirPath) => base.directoryExistsSync(dirPath),
    realpathSync: (path) => base.realpathSync(path),
    getCurrentDirectory: () => base.getCurrentDirectory(),
    glob: (patterns) => base.glob(patterns),
    globSync: (patterns) => base.globSync(patterns),
  };
}
