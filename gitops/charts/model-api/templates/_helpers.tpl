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

{{/* The image tag: the environment's, else the chart's appVersion. */}}
{{- define "model-api.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{- define "model-api.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "model-api.tag" .) }}
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
