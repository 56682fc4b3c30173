import type { Node } from "@xyflow/react";

/** A module as `pipelines.modules` lists it (the palette and the side panel's form read it). */
export interface ModuleInfo {
  name: string;
  type: "extractor" | "transformer" | "loader";
  display_name: string;
  description: string;
  icon: string;
  color: string;
  config_schema: Record<string, unknown>;
  inputs: { min: number; max: number };
  engines: string[];
}

export interface NodeRun {
  status: string;
  rowsIn: number;
  rowsOut: number;
}

export interface ModuleNodeData extends Record<string, unknown> {
  nodeType: ModuleInfo["type"];
  module: string;
  label: string;
  /** The stored node's own description (the document's field), kept through a save. */
  description?: string;
  config: Record<string, unknown>;
  color: string;
  displayName: string;
  run?: NodeRun;
  errors?: string[];
}

export type ModuleNode = Node<ModuleNodeData, "module">;

/** A stored node (the ETL Builder document's spelling, which the server also reads). */
export interface StoredNode {
  id: string;
  type: string;
  module?: string;
  position?: { x: number; y: number };
  config?: Record<string, unknown>;
  label?: string;
  description?: string;
  data?: { label?: string; moduleId?: string; config?: Record<string, unknown> };
}

export interface StoredEdge {
  id?: string;
  source: string;
  target: string;
  targetHandle?: string | null;
}
