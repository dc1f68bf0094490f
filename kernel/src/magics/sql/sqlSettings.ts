/**
 * Kernel-wide settings of SQL cells, named as jupysql names them (`%config SqlMagic.displaylimit = 100`),
 * so its users find them where they look.
 */
export const sqlSettings = {
  /** Rows a result shows in every output (HTML, text, data resource); 0 shows all. */
  displaylimit: 50,
};
