{{/* Chart name, overridable. */}}
{{- define "model-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of every object: "<release>-model-api", or the release name when it
already contains the chart name. It is also the Service's name, so it is the
job label Prometheus gives the scraped series, which the alert rules select.
*/}}
{{- define "model-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "model-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "model-api.labels" -}}
helm.sh/chart: {{ include "model-api.chart" . }}
{{ include "model-api.selectorLabels" . }}
app.kubernetes.io/version: {{ include "model-api.tag" . | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: inference
app.kubernetes.io/part-of: mlops
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the pods: never change them, a Deployment's selector is immutable. */}}
{{- define "model-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "model-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "model-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "model-api.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The app.kubernetes.io/version label: the image tag, else the chart's appVersion. */}}
{{- define "model-api.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{/*
The image. There is no default: an environment runs nothing until its
release writes image.repository, image.tag and image.digest as Helm
parameters of its Application (gitops/apps/<env>/model-api.yaml), and a
render without them fails saying so. With a digest the image is pulled by
digest and the tag is only informative.
*/}}
{{- define "model-api.image" -}}
{{- $repo := required "image.repository is required: the release writes it, with image.tag and image.digest, into the environment's Application (gitops/apps/<env>/model-api.yaml); nothing runs before the first release" .Values.image.repository }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (required "image.tag or image.digest is required: the release writes both into the environment's Application" (.Values.image.tag | toString)) }}
{{- end }}
{{- end }}

{{/*
PromQL label matchers for this release's series: Prometheus Operator sets
job to the Service name and namespace to the Service's namespace.
*/}}
{{- define "model-api.seriesSelector" -}}
job="{{ include "model-api.fullname" . }}",namespace="{{ .Release.Namespace }}"
{{- end }}

{{/* Routes left out of the error and latency alerts: probes and scrapes are not users. */}}
{{- define "model-api.userRoutes" -}}
route!~"/healthz|/readyz|/metrics"
{{- end }}

{{/*
The Services Argo Rollouts points at the canary and the stable pods (it
adds rollouts-pod-template-hash to their selectors), and the name of each
AnalysisTemplate.
*/}}
{{- define "model-api.canaryService" -}}
{{- printf "%s-canary" (include "model-api.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "model-api.stableService" -}}
{{- printf "%s-stable" (include "model-api.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "model-api.analysisTemplate" -}}
{{- printf "%s-%s" (include "model-api.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The pods of the analysis's load Job (the NetworkPolicy admits them). */}}
{{- define "model-api.loadSelectorLabels" -}}
app.kubernetes.io/name: {{ include "model-api.name" . }}-load
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The label only the Service Prometheus scrapes carries, so the
ServiceMonitor selects it alone: the canary and stable Services select the
same pods, and selecting them too would scrape every pod again.
*/}}
{{- define "model-api.scrapeLabel" -}}
mlops/scrape: "true"
{{- end }}
