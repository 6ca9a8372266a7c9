// Schema pieces shared by the ObservabilityConfig sections (schema.ts, collector-schema.ts).
import * as z from 'zod';

export const d = (description: string) => ({ description });

export const chart = (name: string) =>
  z
    .strictObject({
      version: z
        .string()
        .regex(/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { error: 'must be a chart version such as 1.2.3' })
        .optional()
        .meta(d(`Chart version. Default: the version pinned in this release (see functions/versions.ts).`)),
      url: z
        .string()
        .regex(/^(oci|https?):\/\/\S+$/, { error: 'must be an oci://, https:// or http:// URL' })
        .optional()
        .meta(d(`Chart location: the OCI artifact (OCIRepository) or the Helm repository index (HelmRepository). Default: the upstream ${name} chart.`)),
    })
    .prefault({})
    .meta(d(`Which ${name} chart to install.`));

export const values = z
  .record(z.string(), z.unknown())
  .default({})
  .meta(d('Helm values deep-merged last over the generated values: the escape hatch. Maps merge, lists and scalars replace. Default: {}.'));
